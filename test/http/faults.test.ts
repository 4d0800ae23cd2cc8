// Faults found by attacking a running server, each pinned by the test named after it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { bearer, startServer } from '../helpers.ts';

const MiB = 1024 * 1024;

/** Polls `check` until it holds, failing after `ms` (a guard against hanging, not a speed check). */
async function eventually(check: () => boolean, ms = 10_000) {
  for (const start = Date.now(); !check(); await sleep(25)) if (Date.now() - start > ms) assert.fail('condition never held');
}

test('regression: a client that sent a whole upload and hung up left a .part file open forever', async (t) => {
  const s = await startServer(t);
  const token = await s.signup();
  const port = Number(new URL(s.url).port);
  const boundary = 'b';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.txt"\r\n\r\n`),
    Buffer.alloc(500_000, 65),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const head = `POST /api/secure/upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n` +
    `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${body.length}\r\n\r\n`;
  await Promise.all(Array.from({ length: 50 }, (_, i) => new Promise<void>((done) => {
    const socket = connect(port, '127.0.0.1').on('error', () => {});
    socket.write(head);
    // Half of them half-close (as `nc -N` does), half hang up at once.
    socket.write(body, () => (i % 2 ? socket.destroy() : socket.end(), done()));
  })));
  // Each upload is answered (logged), and ends either stored (file and row) or not at all.
  await eventually(() => s.logs().filter((l) => l.path === '/api/secure/upload').length === 50);
  assert.deepEqual(readdirSync(s.config.uploadDir).filter((n) => n.endsWith('.part')), []);
  assert.equal(s.counts().files, s.uploads().length);
});

test("regression: Node's own refusals (malformed, headers too large, too slow) had no JSON body", async (t) => {
  const s = await startServer(t, { HEADERS_TIMEOUT_MS: '300' });
  const cases: Array<[string, string | Buffer, number, string, { chunks?: string[]; gapMs?: number }?]> = [
    ['two Content-Lengths', 'POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab', 400, 'Bad request'],
    ['Content-Length and Transfer-Encoding', 'POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400, 'Bad request'],
    ['garbage request line', 'HELLO\r\n\r\n', 400, 'Bad request'],
    ['headers over 16 KiB', `GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'Request header fields too large'],
    ['headers too slow', 'GET /api/health HTTP/1.1\r\n', 408, 'Request timeout', { chunks: ['Host: x\r\n', 'X-A: 1\r\n', 'X-B: 2\r\n', 'X-C: 3\r\n'], gapMs: 400 }],
  ];
  for (const [name, data, status, error, options] of cases) {
    const r = await s.raw(data, options);
    assert.equal(r.status, status, name);
    assert.deepEqual(r.body, { error }, name);
    assert.equal(r.headers['x-content-type-options'], 'nosniff', name);
  }
  assert.equal((await s.request('/api/health')).status, 200);
});

test('regression: a client that stopped reading a download held its connection and file forever', async (t) => {
  const s = await startServer(t, { IDLE_TIMEOUT_MS: '1000', MAX_UPLOAD_BYTES: String(32 * MiB) });
  const token = await s.signup();
  // Larger than what loopback socket buffers absorb, so the server's writes really stall.
  const up = await s.upload(token, 'big.txt', new Uint8Array(30 * MiB).fill(97));
  const socket = connect(Number(new URL(s.url).port), '127.0.0.1').on('error', () => {});
  t.after(() => socket.destroy());
  socket.write(`GET /api/secure/download/${up.body.filename} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`);
  socket.pause(); // never read
  // The server gives up on the stalled response (and so closes the file) after IDLE_TIMEOUT_MS.
  await eventually(() => s.logs().some((l) => l.msg === 'response interrupted'));
  assert.equal((await s.request('/api/health')).status, 200);
});

test('regression: the 401 of a failed login had no WWW-Authenticate', async (t) => {
  const s = await startServer(t);
  await s.signup('alice', 'password123');
  for (const username of ['alice', 'nobody']) {
    const r = await s.post('/api/login', { username, password: 'wrong-password' });
    assert.equal(r.status, 401);
    assert.equal(r.headers.get('www-authenticate'), 'Bearer');
  }
});

test('regression: the query of a request target that is not a URL reached the log', async (t) => {
  const s = await startServer(t);
  for (const target of ['*?token=SECRETQ1', 'http://[x/?token=SECRETQ2', 'api/secure/notes?token=SECRETQ3']) {
    const r = await s.raw(`GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.ok(r.status === 404 || r.status === 400, `${target}: ${r.status}`);
  }
  assert.doesNotMatch(JSON.stringify(s.logs()), /SECRETQ/);
});

test('regression: a file name that is only a path was "not allowed" instead of "no file"; a lone surrogate was answered unlike it was stored', async (t) => {
  const s = await startServer(t);
  const token = await s.signup();
  const send = (disposition: string) => s.request('/api/secure/upload', {
    method: 'POST', headers: { ...bearer(token), 'Content-Type': 'multipart/form-data; boundary=b' },
    body: `--b\r\nContent-Disposition: form-data; name="file"; ${disposition}\r\n\r\nabc\r\n--b--\r\n`,
  });
  for (const name of ['dir/', 'a\\b\\', '/']) {
    const r = await send(`filename="${name}"`);
    assert.equal(r.status, 400, name);
    assert.deepEqual(r.body, { error: 'No file uploaded' }, name);
  }
  const r = await send(`filename*=utf-16le''%00%D8a%00.%00t%00x%00t%00`);
  assert.equal(r.status, 200);
  assert.equal(r.body.original_name, '\uFFFDa.txt');
  const down = await s.request(`/api/secure/download/${r.body.filename}`, { headers: bearer(token) });
  assert.equal(decodeURIComponent(down.headers.get('content-disposition')!.split("UTF-8''")[1]!), r.body.original_name);
});

test('regression: complete downloads by curl were logged as "response interrupted"', async (t) => {
  const s = await startServer(t);
  const token = await s.signup();
  const up = await s.upload(token, 'a.pdf', new Uint8Array(300_000).fill(1));
  // curl hangs up as soon as it has Content-Length bytes, often before Node sees its last write done.
  for (let i = 0; i < 30; i++) {
    const { stdout } = await promisify(execFile)('curl', ['-s', '-o', '/dev/null', '-w', '%{size_download}', `${s.url}/api/secure/download/${up.body.filename}`, '-H', `Authorization: Bearer ${token}`]);
    assert.equal(stdout, '300000');
  }
  assert.deepEqual(s.logs().filter((l) => l.msg === 'response interrupted'), []);
});

test('regression: a request pipelined behind an error that closes the connection was still run, unanswered', async (t) => {
  const s = await startServer(t);
  const token = await s.signup();
  const next = `POST /api/secure/notes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Length: 20\r\n\r\n{"content":"AFTER!"}`;
  const firsts: Array<[string, number]> = [
    // 413 from Content-Length, the whole body sent anyway
    [`POST /api/secure/notes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Length: 70000\r\n\r\n${'a'.repeat(70_000)}`, 413],
    // 401 before the body was read
    [`POST /api/secure/notes HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello`, 401],
    // 405 before the body was read
    [`POST /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello`, 405],
  ];
  for (const [first, status] of firsts) {
    const socket = connect(Number(new URL(s.url).port), '127.0.0.1');
    let received = '';
    socket.on('data', (d) => void (received += d.toString('latin1')));
    const closed = new Promise<void>((done) => socket.on('close', () => done()).on('error', () => {}));
    socket.write(first + next); // all at once, as a pipelining client sends
    await closed;
    assert.match(received, new RegExp(`^HTTP/1.1 ${status} `));
    assert.equal(received.match(/HTTP\/1\.1 /g)!.length, 1, 'one answer, then the connection closed');
  }
  await sleep(100);
  assert.equal(s.counts().notes, 0, 'the pipelined note was never added');
});

test('regression: logins waiting in the bcrypt queue were cut off by the idle timeout, unanswered', async (t) => {
  const s = await startServer(t, { IDLE_TIMEOUT_MS: '1000', BCRYPT_WORKERS: '1', BCRYPT_COST: '10' });
  await s.signup('carol', 'secret123');
  // About 25 × 60 ms of bcrypt on one worker: the last ones wait well over IDLE_TIMEOUT_MS.
  const replies = await Promise.all(Array.from({ length: 25 }, () => s.post('/api/login', { username: 'carol', password: 'secret123' })));
  assert.deepEqual(replies.map((r) => r.status), Array(25).fill(200));
});
