import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearer, startServer } from '../helpers.ts';

const MiB = 1024 * 1024;

test('upload: 200 with a stored name and the original name; download returns the bytes', async (t) => {
  const s = await startServer(t);
  const token = await s.signup();
  const up = await s.upload(token, 'document.PDF', '%PDF-1.4 test');
  assert.equal(up.status, 200);
  assert.equal(up.body.message, 'File uploaded');
  assert.match(up.body.filename, /^[0-9a-f]{32}\.pdf$/);
  assert.equal(up.body.original_name, 'document.PDF');
  assert.deepEqual(s.uploads(), [up.body.filename]);

  const down = await s.request(`/api/secure/download/${up.body.filename}`, { headers: bearer(token) });
  assert.equal(down.status, 200);
  assert.equal(down.text, '%PDF-1.4 test');
  assert.equal(down.headers.get('content-type'), 'application/pdf');
  assert.equal(down.headers.get('content-length'), '13');
  assert.equal(down.headers.get('content-disposition'), `attachment; filename="document.PDF"; filename*=UTF-8''document.PDF`);
  assert.equal(down.headers.get('x-content-type-options'), 'nosniff');
});

test('upload: every allowed extension in any case; the rest refused before anything is written', async (t) => {
  const s = await startServer(t);
  const token = await s.signup();
  for (const name of ['a.txt', 'b.pdf', 'c.png', 'd.jpg', 'e.jpeg', 'f.gif', 'g.doc', 'h.docx', 'I.TXT', 'x.exe.png', '.png']) {
    const r = await s.upload(token, name, 'x');
    assert.equal(r.status, 200, name);
    assert.ok(r.body.filename.endsWith(`.${name.slice(name.lastIndexOf('.') + 1).toLowerCase()}`), name);
  }
  const before = s.uploads();
  for (const name of ['malicious.exe', 'a.png.exe', 'noext', 'trailing.', 'a.html', 'a.svg', 'a.PHP']) {
    const r = await s.upload(token, name, 'x');
    assert.equal(r.status, 400, name);
    assert.deepEqual(r.body, { error: 'File type not allowed' }, name);
  }
  assert.deepEqual(s.uploads(), before);
  assert.equal(s.counts().files, before.length);
});

test('upload: no file → 400 No file uploaded', async (t) => {
  const s = await startServer(t);
  const token = await s.signup();
  const form = (fill: (f: FormData) => void) => {
    const f = new FormData();
    fill(f);
    return f;
  };
  const bodies: Array<[string, BodyInit, Record<string, string>?]> = [
    ['no file part', form((f) => f.append('note', 'hello'))],
    ['file under another name', form((f) => f.append('document', new Blob(['x']), 'a.txt'))],
    ['file part without a filename', form((f) => f.append('file', 'just a field'))],
    ['JSON body', '{"file": "a.txt"}', { 'Content-Type': 'application/json' }],
    ['empty body', '', { 'Content-Type': 'multipart/form-data; boundary=xyz' }],
    ['multipart without boundary', 'x', { 'Content-Type': 'multipart/form-data' }],
    ['broken multipart', '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nunterminated', { 'Content-Type': 'multipart/form-data; boundary=xyz' }],
    ['empty filename', '--xyz\r\nContent-Disposition: form-data; name="file"; filename=""\r\n\r\nabc\r\n--xyz--\r\n', { 'Content-Type': 'multipart/form-data; boundary=xyz' }],
  ];
  for (const [name, body, headers] of bodies) {
    const r = await s.request('/api/secure/upload', { method: 'POST', headers: { ...bearer(token), ...headers }, body });
    assert.equal(r.status, 400, name);
    assert.deepEqual(r.body, { error: 'No file uploaded' }, name);
  }
  assert.deepEqual(s.uploads(), []);
  assert.equal(s.counts().files, 0);
});

test('upload: exactly 10 MiB is accepted, one byte more is 413 with nothing left behind (regression: over-limit upload hung and left its .part file)', async (t) => {
  const s = await startServer(t);
  const token = await s.signup();
  const exact = await s.upload(token, 'exact.txt', new Uint8Array(10 * MiB).fill(97));
  assert.equal(exact.status, 200);
  const before = s.uploads();
  const over = await s.upload(token, 'over.txt', new Uint8Array(10 * MiB + 1).fill(97));
  assert.equal(over.status, 413);
  assert.deepEqual(over.body, { error: 'File too large' });
  assert.deepEqual(s.uploads(), before);
  assert.equal(s.counts().files, 1);
  const far = await s.upload(token, 'far.txt', new Uint8Array(12 * MiB));
  assert.equal(far.status, 413);
  assert.deepEqual(s.uploads(), before);
});

test('upload: original_name is the UTF-8 base name; the download header carries it encoded', async (t) => {
  const s = await startServer(t);
  const token = await s.signup();
  const cases: Array<[string, string]> = [
    ['C:\\Users\\me\\résumé final.pdf', 'résumé final.pdf'],
    ['../../etc/passwd.txt', 'passwd.txt'],
    ['dir/sub/日本語.txt', '日本語.txt'],
  ];
  for (const [sent, original] of cases) {
    const body = `--xyz\r\nContent-Disposition: form-data; name="file"; filename="${sent}"\r\n\r\nabc\r\n--xyz--\r\n`;
    const r = await s.request('/api/secure/upload', {
      method: 'POST', headers: { ...bearer(token), 'Content-Type': 'multipart/form-data; boundary=xyz' }, body: Buffer.from(body),
    });
    assert.equal(r.status, 200, sent);
    assert.equal(r.body.original_name, original);
    const down = await s.request(`/api/secure/download/${r.body.filename}`, { headers: bearer(token) });
    const disposition = down.headers.get('content-disposition')!;
    assert.ok(disposition.startsWith('attachment; '));
    assert.equal(decodeURIComponent(disposition.split("filename*=UTF-8''")[1]!), original);
  }
  const star = `--xyz\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''%C3%A9t%C3%A9.txt\r\n\r\nabc\r\n--xyz--\r\n`;
  const r = await s.request('/api/secure/upload', { method: 'POST', headers: { ...bearer(token), 'Content-Type': 'multipart/form-data; boundary=xyz' }, body: star });
  assert.equal(r.body.original_name, 'été.txt');
});

test('download: only the owner; another user gets the same 404 as for a missing file', async (t) => {
  const s = await startServer(t);
  const alice = await s.signup();
  const bob = await s.signup();
  const up = await s.upload(alice, 'secret.txt', 'alice only');
  const theirs = await s.request(`/api/secure/download/${up.body.filename}`, { headers: bearer(bob) });
  const missing = await s.request(`/api/secure/download/${'0'.repeat(32)}.txt`, { headers: bearer(bob) });
  for (const r of [theirs, missing]) {
    assert.equal(r.status, 404);
    assert.deepEqual(r.body, { error: 'File not found' });
  }
  assert.equal((await s.request(`/api/secure/download/${up.body.filename}`, { headers: bearer(alice) })).text, 'alice only');
});

test('download: names that are not ours are 400 Invalid filename', async (t) => {
  const s = await startServer(t);
  const token = await s.signup();
  const hex = 'a'.repeat(32);
  for (const name of [`${hex}.exe`, `${hex.toUpperCase()}.txt`, `${hex}a.txt`, 'passwd', '..%2F..%2Fetc%2Fpasswd', `${hex}.txt%00.png`, `%zz${hex}.txt`, `${hex}%2Etxt%2F`, `..%252f${hex}.txt`, `sub/${hex}.txt`]) {
    const r = await s.request(`/api/secure/download/${name}`, { headers: bearer(token) });
    assert.equal(r.status, 400, name);
    assert.deepEqual(r.body, { error: 'Invalid filename' }, name);
  }
  // One percent-decode is applied: an encoded dot still names the file.
  const up = await s.upload(token, 'a.txt', 'x');
  const encoded = up.body.filename.replace('.', '%2E');
  assert.equal((await s.request(`/api/secure/download/${encoded}`, { headers: bearer(token) })).status, 200);
});

test('download: HEAD gives the headers without the body', async (t) => {
  const s = await startServer(t);
  const token = await s.signup();
  const up = await s.upload(token, 'a.png', 'not really a png');
  const r = await s.request(`/api/secure/download/${up.body.filename}`, { method: 'HEAD', headers: bearer(token) });
  assert.equal(r.status, 200);
  assert.equal(r.text, '');
  assert.equal(r.headers.get('content-length'), '16');
  assert.equal(r.headers.get('content-type'), 'image/png');
});
