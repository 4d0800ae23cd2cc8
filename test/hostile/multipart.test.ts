// Multipart uploads: broken framing, hostile file names, wrong parts, sizes at the limit, and clients that vanish.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { type TestServer, bearer, startServer } from '../helpers.ts';
import { assertClientError, assertError, assertIntact, eventually } from './expect.ts';

const B = 'hostileBoundary7MA4YWxkTrZu0gW';

/** A part: its Content-Disposition parameters (raw, as written on the wire) and content. */
type Part = { disposition: string; content?: string | Buffer; type?: string };
const part = (field: string, filename?: string, content: string | Buffer = 'hello') =>
  ({ disposition: `name="${field}"${filename === undefined ? '' : `; filename="${filename}"`}`, content });

/** A multipart/form-data body, closed with the final boundary unless `open`. */
function form(parts: Part[], { open = false, boundary = B } = {}): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; ${p.disposition}\r\nContent-Type: ${p.type ?? 'application/octet-stream'}\r\n\r\n`, 'latin1'));
    chunks.push(Buffer.isBuffer(p.content) ? p.content : Buffer.from(p.content ?? ''));
    chunks.push(Buffer.from('\r\n'));
  }
  if (!open) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** A whole upload request on the wire. */
function uploadRequest(token: string, body: Buffer, { type = `multipart/form-data; boundary=${B}`, length = body.length as number | undefined } = {}): Buffer {
  const head = `POST /api/secure/upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n` +
    (type === '' ? '' : `Content-Type: ${type}\r\n`) +
    (length === undefined ? 'Transfer-Encoding: chunked\r\n' : `Content-Length: ${length}\r\n`) + 'Connection: close\r\n\r\n';
  if (length !== undefined) return Buffer.concat([Buffer.from(head, 'latin1'), body]);
  return Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
}

const send = (s: TestServer, token: string, body: Buffer, options?: Parameters<typeof uploadRequest>[2]) => s.raw(uploadRequest(token, body, options));

test('bodies that are not multipart, or broken multipart, are 400 No file uploaded and leave nothing', async (t) => {
  const s = await startServer(t, { MAX_UPLOAD_BYTES: '100000' });
  const token = await s.signup('broken');
  const good = form([part('file', 'a.txt', 'x'.repeat(50_000))]);
  const cases: Array<[string, Buffer, Parameters<typeof uploadRequest>[2]]> = [
    ['no boundary', good, { type: 'multipart/form-data' }],
    ['empty boundary', good, { type: 'multipart/form-data; boundary=' }],
    ['other boundary', good, { type: 'multipart/form-data; boundary=somethingElse' }],
    ['no Content-Type', good, { type: '' }],
    ['JSON Content-Type', good, { type: 'application/json' }],
    ['text/plain', good, { type: 'text/plain' }],
    ['urlencoded', Buffer.from('file=a.txt'), { type: 'application/x-www-form-urlencoded' }],
    ['multipart/mixed', good, { type: `multipart/mixed; boundary=${B}` }],
    ['empty body', Buffer.alloc(0), {}],
    ['garbage body', Buffer.from('\0\xff'.repeat(1000), 'latin1'), {}],
    ['unterminated body', form([part('file', 'a.txt', 'x'.repeat(50_000))], { open: true }), {}],
    ['unterminated body, chunked', form([part('file', 'a.txt', 'x'.repeat(50_000))], { open: true }), { length: undefined }],
    ['cut in the part headers', Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n`), {}],
    ['part headers over 16 KiB', Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nX: ${'a'.repeat(20_000)}\r\n\r\nhi\r\n--${B}--\r\n`), {}],
    ['only the closing boundary', Buffer.from(`--${B}--\r\n`), {}],
    ['no part headers', Buffer.from(`--${B}\r\n\r\nhello\r\n--${B}--\r\n`), {}],
    ['not form-data disposition', Buffer.from(`--${B}\r\nContent-Disposition: attachment; name="file"; filename="a.txt"\r\n\r\nhi\r\n--${B}--\r\n`), {}],
    // the file part is missing, nameless, or under another name
    ['filename missing', form([part('file', undefined)]), {}],
    ['filename empty', form([part('file', '')]), {}],
    ['filename* empty', form([{ disposition: `name="file"; filename*=UTF-8''`, content: 'hi' }]), {}],
    ['field "upload"', form([part('upload', 'a.txt')]), {}],
    ['field "File"', form([part('File', 'a.txt')]), {}],
    ['field "file[]"', form([part('file[]', 'a.txt')]), {}],
    ['field name missing', form([{ disposition: 'filename="a.txt"', content: 'hi' }]), {}],
    ['file after 64 other parts', form([...Array.from({ length: 64 }, (_, i) => part(`f${i}`, `${i}.txt`, 'x')), part('file', 'a.txt')]), {}],
  ];
  const before = s.snapshot();
  for (const [label, body, options] of cases) assertError(await send(s, token, body, options), 400, 'No file uploaded', label);
  await assertIntact(s, before, 'broken multipart');
});

test('file names: type decided from the base name, stored under our own name only', async (t) => {
  const s = await startServer(t, { MAX_UPLOAD_BYTES: '100000' });
  const token = await s.signup('names');
  const rejected: Array<[string, string]> = [
    ['no extension', 'filename="README"'],
    ['trailing dot', 'filename="a.txt."'],
    ['double extension ending badly', 'filename="a.txt.php"'],
    ['mixed-case bad extension', 'filename="a.PhP"'],
    ['html', 'filename="a.html"'],
    ['svg', 'filename="a.svg"'],
    ['only a dot', 'filename="."'],
    ['extension hidden in the directory', 'filename="a.txt/evil"'],
    ['filename* overrides a good filename', `filename="a.txt"; filename*=UTF-8''evil.exe`],
  ];
  const before = s.snapshot();
  for (const [label, disposition] of rejected) {
    assertError(await send(s, token, form([{ disposition: `name="file"; ${disposition}`, content: 'x'.repeat(20_000) }])), 400, 'File type not allowed', label);
  }
  // A name that is only a path has no base name: no file, as for filename="".
  for (const [label, disposition] of [['traversal to nothing', 'filename="../"'], ['traversal with backslashes to nothing', 'filename="..\\\\"']]) {
    assertError(await send(s, token, form([{ disposition: `name="file"; ${disposition}`, content: 'x' }])), 400, 'No file uploaded', label!);
  }
  // A CR, LF or NUL inside the quoted name breaks the part header: a 4xx, never a header injection or a stored file.
  for (const name of ['a\r\nX-Evil: 1\r\n.txt', 'a\n.txt', 'a\r.txt', 'a.txt\0.php', 'a\0.txt']) {
    assertClientError(await send(s, token, form([{ disposition: `name="file"; filename="${name}"`, content: 'x' }])), JSON.stringify(name));
  }
  await assertIntact(s, before, 'rejected names');

  const accepted: Array<[string, string, string]> = [
    ['unix traversal', 'filename="../../etc/evil.txt"', 'evil.txt'],
    ['windows traversal', 'filename="..\\\\..\\\\windows\\\\evil.txt"', 'evil.txt'],
    ['absolute path', 'filename="/etc/cron.d/job.txt"', 'job.txt'],
    ['escaped quotes', 'filename="say \\"hi\\".txt"', 'say "hi".txt'],
    ['double extension', 'filename="shell.php.png"', 'shell.php.png'],
    ['mixed-case extension', 'filename="Photo.JpEg"', 'Photo.JpEg'],
    ['dot file', 'filename=".txt"', '.txt'],
    ['filename* UTF-8', `filename*=UTF-8''%E2%82%AC%20r%C3%A4tes.txt`, '€ rätes.txt'],
    ['filename* with traversal', `filename*=UTF-8''..%2F..%2Fx.txt`, 'x.txt'],
    ['raw UTF-8 bytes', 'filename="\xc3\xbcber.txt"', 'über.txt'],
    ['percent junk kept literally', 'filename="100%zz.txt"', '100%zz.txt'],
  ];
  for (const [label, disposition, original] of accepted) {
    const r = await send(s, token, form([{ disposition: `name="file"; ${disposition}`, content: label }]));
    assert.equal(r.status, 200, `${label}: ${r.text}`);
    assert.equal(r.body.original_name, original, label);
    assert.match(r.body.filename, /^[0-9a-f]{32}\.(txt|png|jpeg)$/, label);
    assert.equal(readFileSync(join(s.config.uploadDir, r.body.filename), 'utf8'), label);
    const d = await s.request(`/api/secure/download/${r.body.filename}`, { headers: bearer(token) });
    assert.match(d.headers.get('content-disposition')!, /^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[\x21-\x7e]+$/, label);
  }
  assert.equal(s.uploads().length, accepted.length);
  assert.equal(s.uploads().filter((n) => n.includes('.part')).length, 0);
  assert.equal(s.counts().files, accepted.length);
});

test('odd part layouts: two file parts, a zero-byte file, a large ignored part first', async (t) => {
  const s = await startServer(t);
  const token = await s.signup('layouts');
  const two = await send(s, token, form([part('file', 'first.txt', 'one'), part('file', 'second.txt', 'two')]));
  assert.equal(two.status, 200);
  assert.equal(two.body.original_name, 'first.txt');
  assert.equal(s.uploads().length, 1, 'the second file part is not stored');

  const empty = await send(s, token, form([part('file', 'empty.txt', '')]));
  assert.equal(empty.status, 200);
  assert.equal((await s.request(`/api/secure/download/${empty.body.filename}`, { headers: bearer(token) })).text, '');

  const big = Buffer.alloc(3 * 1024 * 1024, 'z');
  const after = await send(s, token, form([part('ignored', 'big.bin', big), { disposition: 'name="note"', content: 'a field' }, part('file', 'real.txt', 'real')]));
  assert.equal(after.status, 200, after.text);
  assert.equal(after.body.original_name, 'real.txt');
  const chunked = await send(s, token, form([part('ignored', 'big.bin', big), part('file', 'real2.txt', 'real')]), { length: undefined });
  assert.equal(chunked.status, 200, chunked.text);
  assert.equal(s.uploads().length, 4);
  assert.equal(s.counts().files, 4);
});

test('the 10 MiB default: exactly 10 MiB is stored, one byte more is 413 and leaves nothing', async (t) => {
  const s = await startServer(t);
  const token = await s.signup('tenmeg');
  const max = 10 * 1024 * 1024;
  assert.equal(s.config.maxUploadBytes, max);
  let before = s.snapshot();
  for (const [label, length] of [['declared far over', 50 * max], ['declared 2^53', 2 ** 53]] as const) {
    // Refused from Content-Length alone: nothing but the headers is sent.
    const head = `POST /api/secure/upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: multipart/form-data; boundary=${B}\r\nContent-Length: ${length}\r\n\r\n`;
    assertError(await s.raw(head), 413, 'File too large', label);
  }
  for (const chunked of [false, true]) {
    const over = await send(s, token, form([part('file', 'big.txt', Buffer.alloc(max + 1, 'a'))]), chunked ? { length: undefined } : {});
    assertError(over, 413, 'File too large', `max + 1, chunked ${chunked}`);
    await eventually(() => assert.deepEqual(s.snapshot(), before));
  }
  await assertIntact(s, before, 'max + 1');
  const exact = await send(s, token, form([part('file', 'big.txt', Buffer.alloc(max, 'a'))]));
  assert.equal(exact.status, 200, exact.text);
  assert.deepEqual(s.uploads(), [exact.body.filename]);
  const head = await s.request(`/api/secure/download/${exact.body.filename}`, { method: 'HEAD', headers: bearer(token) });
  assert.equal(head.headers.get('content-length'), String(max));
  before = s.snapshot();
  assert.equal(before.counts.files, 1);
});

test('a file over MAX_UPLOAD_BYTES is answered 413 and its partial file removed (it used to hang, leaving a .part file)', async (t) => {
  const s = await startServer(t, { MAX_UPLOAD_BYTES: '1000' });
  const token = await s.signup('small');
  const before = s.snapshot();
  assertError(await send(s, token, form([part('file', 'a.txt', 'a'.repeat(1001))])), 413, 'File too large', '1001');
  assertError(await send(s, token, form([part('file', 'a.txt', 'a'.repeat(1001))]), { length: undefined }), 413, 'File too large', '1001 chunked');
  assertError(await send(s, token, form([part('other', 'x.bin', Buffer.alloc(200_000)), part('file', 'a.txt')])), 413, 'File too large', 'huge ignored part');
  await assertIntact(s, before, 'small limit');
  assert.equal((await send(s, token, form([part('file', 'a.txt', 'a'.repeat(1000))]))).status, 200);
});

test('a client that disconnects mid-file leaves no partial file behind', async (t) => {
  const s = await startServer(t);
  const token = await s.signup('quitter');
  const before = s.snapshot();
  for (const chunked of [false, true]) {
    const body = form([part('file', 'partial.txt', Buffer.alloc(4 * 1024 * 1024, 'p'))]);
    const whole = uploadRequest(token, body, chunked ? { length: undefined } : {});
    const socket = connect(Number(new URL(s.url).port), '127.0.0.1');
    socket.on('error', () => {});
    socket.write(whole.subarray(0, 1024 * 1024));
    // Wait until the partial file exists, so the test proves it is removed (not merely never made).
    await eventually(() => assert.ok(s.uploads().some((n) => n.endsWith('.part')), 'partial file appears'), 10_000);
    socket.destroy();
    await eventually(() => assert.deepEqual(s.snapshot(), before, `chunked ${chunked}: back to the previous listing`), 10_000);
  }
  await assertIntact(s, before, 'disconnect');
});
