// Paths: traversal in any encoding, malformed escapes, NUL, names that are not ours: 400 or the one 404, never a file.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { type RawReply, bearer, startServer } from '../helpers.ts';
import { assertClientError, assertError, assertIntact, eventually } from './expect.ts';

const get = (path: string, token: string, method = 'GET') =>
  `${method} ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`;

test('download names that are not ours, in any encoding, are 400 Invalid filename', async (t) => {
  const s = await startServer(t);
  const token = await s.signup('pathowner');
  const { filename } = (await s.upload(token, 'a.txt', 'secret text')).body;
  const hex = filename.slice(0, 32);
  const names = [
    '..%2f..%2fapp.db', '%2e%2e%2f%2e%2e%2fapp.db', '%2E%2E%2Fapp.db', '..%5c..%5capp.db', '%5c..%5capp.db',
    '%252e%252e%252fapp.db', `%252f${filename}`, `..%252f${filename}`, '%c0%ae%c0%ae%c0%afapp.db', '%e0%80%ae%e0%80%ae',
    '../../app.db', '..\\..\\app.db', `./${filename}`, `../download/${filename}`, `uploads/${filename}`, `/${filename}`,
    '/etc/passwd', '//etc/passwd', '%2fetc%2fpasswd', 'C:%5cWindows%5cwin.ini', 'file:%2f%2f%2fetc%2fpasswd',
    `${filename}%00`, `${filename}%00.txt`, `${hex}%00.txt`, '%00', '%', '%%', '%zz', `${filename}%`, `%${filename}`, `${filename}%2`,
    `${hex.toUpperCase()}.txt`, `${hex}.TXT`, `${hex}.exe`, `${hex}.txt.`, `${hex}.txt%20`, `${hex}.txt.exe`, `${hex}`, `${hex}0.txt`,
    `${hex.slice(1)}.txt`, `${filename}/`, `${filename}/x`, `.${filename}.part`, '.gitignore', 'app.db', `${hex}.txt;.png`,
    `%25${filename}`, `${hex}%252etxt`, `${hex}%2Etxt%2F..%2F`,
  ];
  const before = s.snapshot();
  for (const name of names) {
    for (const method of ['GET', 'HEAD']) {
      const r = await s.raw(get(`/api/secure/download/${name}`, token, method));
      if (method === 'GET') assertError(r, 400, 'Invalid filename', name);
      else assert.equal(r.status, 400, `HEAD ${name}`);
    }
  }
  // One percent-decode: an encoded name of ours still works.
  const encoded = await s.raw(get(`/api/secure/download/${[...filename].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')}`, token));
  assert.equal(encoded.status, 200);
  assert.equal(encoded.text, 'secret text');
  await assertIntact(s, before, 'download names');
});

test("another user's real file name is the same 404 as a missing one", async (t) => {
  const s = await startServer(t);
  const owner = await s.signup('owner');
  const other = await s.signup('other');
  const { filename } = (await s.upload(owner, 'private.txt', 'owner only')).body;
  const missing = `${'0'.repeat(32)}.txt`;
  const shape = (r: RawReply) => ({ status: r.status, text: r.text, names: Object.keys(r.headers).filter((n) => n !== 'date' && n !== 'x-request-id').sort() });
  const before = s.snapshot();
  for (const method of ['GET', 'HEAD']) {
    const theirs = await s.raw(get(`/api/secure/download/${filename}`, other, method));
    const none = await s.raw(get(`/api/secure/download/${missing}`, other, method));
    assert.deepEqual(shape(theirs), shape(none), method);
    assert.equal(theirs.status, 404, method);
    if (method === 'GET') assertError(theirs, 404, 'File not found');
  }
  assert.equal((await s.request(`/api/secure/download/${filename}`, { headers: bearer(owner) })).text, 'owner only');
  await assertIntact(s, before, 'other user');
});

test('malformed escapes, NUL and traversal anywhere in the URL are 4xx, never 5xx', async (t) => {
  const s = await startServer(t);
  const token = await s.signup('urls');
  const cases: Array<[string, number, string]> = [
    ['/api/%zz', 404, 'Not found'],
    ['/%', 404, 'Not found'],
    ['/api/secure/notes%zz', 404, 'Not found'],
    ['/api/secure/%E0%A4%A', 404, 'Not found'],
    ['/api/secure/notes?limit=%zz', 400, 'Invalid pagination parameters'],
    ['/api/secure/notes?%zz=%zz', 200, ''],
    ['/api/secure/../../app.db', 404, 'Not found'],
    ['/api/secure/..%2f..%2fapp.db', 404, 'Not found'],
    ['/api/secure/notes/..', 404, 'Not found'],
    ['/api/secure/notes%00', 404, 'Not found'],
    ['/api/health/../secure/notes', 404, 'Not found'],
    ['/uploads/', 404, 'Not found'],
    ['/app.db', 404, 'Not found'],
    ['http://x/api/secure/download/%2e%2e%2fapp.db', 400, 'Invalid filename'],
    ['http://x/api/secure/download/..%2f..%2fapp.db', 400, 'Invalid filename'],
    ['http://x/api/secure/../../app.db', 404, 'Not found'],
    ['http://[::1/api/health', 404, 'Not found'],
    ['*', 404, 'Not found'],
  ];
  const before = s.snapshot();
  for (const [path, status, message] of cases) {
    const r = await s.raw(get(path, token));
    if (status === 200) assert.equal(r.status, 200, path);
    else assertError(r, status, message, path);
  }
  // Without a token everything under /api/secure is 401, whatever the path looks like.
  for (const path of ['/api/secure/../../app.db', '/api/secure/%zz', '/api/secure/download/%2e%2e%2fapp.db']) {
    const r = await s.raw(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assertError(r, 401, 'Missing Bearer token', path);
  }
  // Bytes Node's strict parser refuses in the request line: its own 400.
  for (const path of ['/api/secure/notes\0', '/api/\0/../app.db', '/api/secure/download/a b.txt', '/api/\x7f']) {
    const r = await s.raw(Buffer.from(get(path, token), 'latin1'));
    assertClientError(r, JSON.stringify(path));
  }
  await assertIntact(s, before, 'urls');
});

test('downloads are attachments with nosniff, never inline', async (t) => {
  const s = await startServer(t);
  const token = await s.signup('downloader');
  for (const name of ['page.txt', 'evil".txt', 'x\r\nSet-Cookie: a=b.txt', 'ünïcödé.png', '..\\..\\boot.gif']) {
    const up = await s.upload(token, name, '<html><script>alert(1)</script></html>');
    assert.equal(up.status, 200, name);
    const r = await s.request(`/api/secure/download/${up.body.filename}`, { headers: bearer(token) });
    assert.equal(r.status, 200, name);
    assert.match(r.headers.get('content-disposition')!, /^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[\x21-\x7e]+$/, name);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', name);
    assert.equal(r.headers.get('cache-control'), 'no-store', name);
    assert.equal(r.headers.get('set-cookie'), null, name);
    assert.notEqual(r.headers.get('content-type'), 'text/html', name);
  }
});

test('downloads whose client hangs up early do not pile up open files (the leak itself is pinned by the fuzz test)', async (t) => {
  const s = await startServer(t);
  const token = await s.signup('hangup');
  const { filename } = (await s.upload(token, 'a.txt', 'data')).body;
  const openFiles = () => readdirSync('/proc/self/fd').length;
  const request = (method: string) => `${method} /api/secure/download/${filename} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`;
  await s.raw(request('GET'), { end: true });
  const baseline = openFiles();
  // Half-closing right after the request makes Node abort it while the handler is opening the file.
  for (let i = 0; i < 40; i++) await s.raw(request(i % 2 ? 'GET' : 'HEAD'), { end: true });
  await eventually(() => assert.ok(openFiles() <= baseline + 5, `open files: ${openFiles()} vs ${baseline} before`));
  await assertIntact(s, s.snapshot(), 'hang-ups');
});
