// Slow and abusive clients: cut off by the configured timeouts while others are served; ambiguous framing refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from '../helpers.ts';
import { assertClientError, assertIntact, eventually } from './expect.ts';

const TIMEOUTS = { HEADERS_TIMEOUT_MS: '300', REQUEST_TIMEOUT_MS: '800' };
/** Enough 100 ms drips to outlast either timeout many times over (the server must cut in first). */
const drip = (n: number, piece: string) => Array.from({ length: n }, () => piece);

test('slow headers and slow bodies are cut off with 408 while other clients are served', async (t) => {
  const s = await startServer(t, TIMEOUTS);
  const token = await s.signup('patient');
  const before = s.snapshot();
  const slow = [
    s.raw('GET /api/health HTTP/1.1\r\nHost: x\r\n', { chunks: drip(100, 'X-Slow: 1\r\n'), gapMs: 100 }),
    s.raw('GET /api/hea', { chunks: drip(100, 'l'), gapMs: 100 }),
    s.raw('POST /api/register HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"username":', { chunks: drip(100, ' '), gapMs: 100 }),
    s.raw('POST /api/register HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n', { chunks: drip(100, '1\r\n \r\n'), gapMs: 100 }),
    s.raw(
      `POST /api/secure/upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n` +
        '--b\r\nContent-Disposition: form-data; name="file"; filename="slow.txt"\r\n\r\n',
      { chunks: drip(100, 'x'.repeat(100)), gapMs: 100 },
    ),
  ];
  // Meanwhile everyone else is answered.
  for (let i = 0; i < 5; i++) assert.equal((await s.request('/api/health')).status, 200);
  for (const [i, r] of (await Promise.all(slow)).entries()) {
    assert.ok(r.status === 408 || r.status === 0, `slow client ${i}: cut off (got ${r.status})`);
  }
  await eventually(() => assert.deepEqual(s.snapshot(), before, 'the slow upload left nothing'));
  await assertIntact(s, before, 'slow clients');
});

test('conflicting or malformed framing is refused by the strict parser and never reaches a handler', async (t) => {
  const s = await startServer(t);
  const body = '{"username":"smuggler","password":"secret1"}';
  const n = body.length;
  const heads = [
    `Content-Length: ${n}\r\nTransfer-Encoding: chunked`,
    `Transfer-Encoding: chunked\r\nContent-Length: ${n}`,
    `Content-Length: ${n}\r\nContent-Length: ${n + 1}`,
    `Content-Length: ${n}\r\nContent-Length: ${n}`,
    `Content-Length: ${n}, ${n}`,
    `Content-Length: +${n}`,
    `Content-Length: -1`,
    `Content-Length: ${n}.0`,
    `Content-Length: 0x${n.toString(16)}`,
    `Transfer-Encoding: chunked, identity`,
    `Transfer-Encoding: gzip`,
    `Transfer-Encoding : chunked`,
    `Content-Length : ${n}`,
    `Content-Length: ${n}\r\n Transfer-Encoding: chunked`,
    `Transfer-Encoding: xchunked`,
    `Content-Length: ${n}\nTransfer-Encoding: chunked`,
  ];
  const before = s.snapshot();
  for (const head of heads) {
    const r = await s.raw(`POST /api/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${head}\r\n\r\n${n.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
    assertClientError(r, JSON.stringify(head));
  }
  // Not HTTP at all.
  for (const junk of ['\0\0\0\0\r\n\r\n', 'GET\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', 'G\u00c9T / HTTP/1.1\r\n\r\n', `GET /${'a'.repeat(100_000)} HTTP/1.1\r\n\r\n`, 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n']) {
    assertClientError(await s.raw(Buffer.from(junk, 'latin1')), JSON.stringify(junk.slice(0, 20)));
  }
  await assertIntact(s, before, 'framing');
});
