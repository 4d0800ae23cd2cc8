// The server as a real process: graceful shutdown on SIGTERM/SIGINT.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, realpathSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import { once } from 'node:events';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { MAIN, ROOT, type TestProcess, bearer, childEnv, spawnServer, startProcess, tempDir } from './helpers.ts';

const post = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
};

async function signup(url: string): Promise<string> {
  assert.equal((await post(`${url}/api/register`, { username: 'alice', password: 'password123' })).status, 200);
  const login = await post(`${url}/api/login`, { username: 'alice', password: 'password123' });
  assert.equal(login.status, 200);
  return login.body.token;
}

/** Waits until the process has logged `msg`. */
async function logged(p: TestProcess, msg: string) {
  while (!p.logs().some((l) => l.msg === msg)) await sleep(20);
}

interface Answer { status: number; headers: IncomingHttpHeaders; text: string }

/**
 * An upload whose body is sent in two halves. `started` settles when the server has read the
 * headers and called the handler (it answered `Expect: 100-continue`) and the first half is sent.
 */
function slowUpload(url: string, token: string, agent: Agent) {
  const boundary = 'slow-upload-boundary';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.txt"\r\nContent-Type: text/plain\r\n\r\n`;
  const body = Buffer.from(`${head}${'x'.repeat(64 * 1024)}\r\n--${boundary}--\r\n`);
  const req = request(`${url}/api/secure/upload`, {
    method: 'POST', agent,
    headers: { ...bearer(token), 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': body.length, Expect: '100-continue' },
  });
  const answer = new Promise<Answer>((done, fail) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => void (text += c)).on('end', () => done({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', fail);
  });
  answer.catch(() => {}); // awaited by the tests that expect an answer
  const started = new Promise<void>((done) => req.once('continue', () => req.write(body.subarray(0, body.length / 2), () => done())));
  req.flushHeaders();
  return { started, answer, finish: () => req.end(body.subarray(body.length / 2)) };
}

test('SIGTERM: the upload in flight completes, new connections are refused, exit 0, data kept after restart', async (t) => {
  const dir = tempDir(t);
  // Keep-alive far longer than the test: only the shutdown itself may close the connections.
  const env = { SHUTDOWN_TIMEOUT_MS: '60000', KEEP_ALIVE_TIMEOUT_MS: '600000' };
  const p = await startProcess(t, dir, env);
  const token = await signup(p.url);
  const note = await post(`${p.url}/api/secure/notes`, { content: 'written before the signal' }, bearer(token));
  assert.equal(note.status, 200);

  const agent = new Agent({ keepAlive: true });
  t.after(() => agent.destroy());
  const upload = slowUpload(p.url, token, agent);
  await upload.started;
  const signalled = Date.now();
  p.child.kill('SIGTERM');
  await logged(p, 'stopping');

  await assert.rejects(fetch(`${p.url}/api/health`), (err: Error) => (err.cause as { code?: string }).code === 'ECONNREFUSED');
  upload.finish();
  const answer = await upload.answer;
  assert.equal(answer.status, 200, answer.text);
  const { filename } = JSON.parse(answer.text);

  // The keep-alive connection of that upload did not hold the process until the deadline.
  assert.deepEqual(await p.exited, { code: 0, signal: null });
  assert.ok(Date.now() - signalled < 60_000);
  assert.ok(p.logs().some((l) => l.msg === 'stopped'));
  assert.ok(!p.logs().some((l) => l.msg === 'shutdown deadline reached: closing connections still open'));
  assert.ok(!p.logs().some((l) => l.msg === 'exiting with work still pending'));
  // Checkpointed on close: nothing left in the write-ahead log.
  const wal = join(dir, 'app.db-wal');
  assert.ok(!existsSync(wal) || statSync(wal).size === 0);

  const again = await startProcess(t, dir, env);
  const login = await post(`${again.url}/api/login`, { username: 'alice', password: 'password123' });
  const notes = await (await fetch(`${again.url}/api/secure/notes`, { headers: bearer(login.body.token) })).json();
  assert.deepEqual(notes, { notes: [{ id: note.body.id, content: 'written before the signal' }] });
  const download = await fetch(`${again.url}/api/secure/download/${filename}`, { headers: bearer(login.body.token) });
  assert.equal(download.status, 200);
  assert.equal((await download.text()).length, 64 * 1024);
  again.child.kill('SIGTERM');
  assert.deepEqual(await again.exited, { code: 0, signal: null });
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal}: an idle keep-alive connection does not hold the process open`, async (t) => {
    const p = await startProcess(t, tempDir(t), { SHUTDOWN_TIMEOUT_MS: '60000', KEEP_ALIVE_TIMEOUT_MS: '600000' });
    const agent = new Agent({ keepAlive: true });
    t.after(() => agent.destroy());
    const socketClosed = new Promise<void>((done) => {
      request(`${p.url}/api/health`, { agent }, (res) => {
        assert.equal(res.headers.connection, 'keep-alive');
        res.socket.once('close', () => done());
        res.resume();
      }).end();
    });
    while (Object.keys(agent.freeSockets).length === 0) await sleep(10);

    const signalled = Date.now();
    p.child.kill(signal);
    assert.deepEqual(await p.exited, { code: 0, signal: null });
    await socketClosed;
    assert.ok(Date.now() - signalled < 60_000);
    assert.equal(p.logs().find((l) => l.msg === 'stopping')?.signal, signal);
  });
}

test('an upload cut off at SHUTDOWN_TIMEOUT_MS left its partial file behind at exit', async (t) => {
  const dir = tempDir(t);
  const p = await startProcess(t, dir, { SHUTDOWN_TIMEOUT_MS: '300', KEEP_ALIVE_TIMEOUT_MS: '600000' });
  const token = await signup(p.url);
  const agent = new Agent({ keepAlive: true });
  t.after(() => agent.destroy());
  const upload = slowUpload(p.url, token, agent);
  await upload.started;

  p.child.kill('SIGTERM');
  await assert.rejects(upload.answer, (err: NodeJS.ErrnoException) => ['ECONNRESET', 'EPIPE'].includes(err.code ?? ''));
  assert.deepEqual(await p.exited, { code: 0, signal: null });
  assert.ok(p.logs().some((l) => l.msg === 'shutdown deadline reached: closing connections still open'));
  assert.ok(p.logs().some((l) => l.msg === 'stopped'));
  assert.ok(!p.logs().some((l) => l.msg === 'exiting with work still pending'));
  assert.deepEqual(readdirSync(join(dir, 'uploads')), [], 'no partial upload is left behind');
});

test('regression: a connection that never sent a request (as browsers open ahead) held shutdown until the deadline', async (t) => {
  const p = await startProcess(t, tempDir(t), { SHUTDOWN_TIMEOUT_MS: '60000' });
  const { port } = new URL(p.url);
  const socket = connect(Number(port), '127.0.0.1');
  t.after(() => socket.destroy());
  await once(socket, 'connect');
  const closed = once(socket, 'close');
  await fetch(`${p.url}/api/health`); // so the server has surely accepted the bare connection too
  const signalled = Date.now();
  p.child.kill('SIGTERM');
  assert.deepEqual(await p.exited, { code: 0, signal: null });
  await closed;
  assert.ok(Date.now() - signalled < 60_000);
  assert.ok(!p.logs().some((l) => l.msg === 'shutdown deadline reached: closing connections still open'));
});

test('start-up as npm start does it: default settings, no .env, a fresh directory', async (t) => {
  const dir = tempDir(t);
  // Only the port differs from the defaults (0: any free port), so the test never collides.
  const p = await spawnServer(t, process.execPath, ['--env-file-if-exists=.env', MAIN], { cwd: dir, env: { PATH: process.env.PATH ?? '', SERVER_PORT: '0' } });
  const listening = p.logs().find((l) => l.msg === 'listening')!;
  assert.equal(listening.address, '0.0.0.0');
  assert.equal(listening.database, join(realpathSync(dir), 'app.db'));
  assert.equal(listening.uploads, join(realpathSync(dir), 'uploads'));
  assert.match(p.output(), /JWT_SECRET is unset: generated a random key/);
  assert.ok(statSync(join(dir, 'uploads')).isDirectory());
  assert.ok(existsSync(join(dir, 'app.db')));
  assert.equal(statSync(join(dir, 'app.db.secret')).mode & 0o777, 0o600);
  // The tutorial's register call.
  const r = await post(`${p.url.replace('127.0.0.1', 'localhost')}/api/register`, { username: 'john_doe', password: 'securepassword123' });
  assert.deepEqual(r, { status: 200, body: { message: 'User registered' } });
});

test('the generated JWT secret is kept: a token stays valid across a restart', async (t) => {
  const dir = tempDir(t);
  const env = { JWT_SECRET: '' };
  const first = await startProcess(t, dir, env);
  const token = await signup(first.url);
  first.child.kill('SIGTERM');
  await first.exited;
  const second = await startProcess(t, dir, env);
  const res = await fetch(`${second.url}/api/secure/notes`, { headers: bearer(token) });
  assert.equal(res.status, 200);
  second.child.kill('SIGTERM');
  await second.exited;
});

test('regression: SIGTERM to `npm start` left the server running (the shell did not pass it on)', async (t) => {
  const dir = tempDir(t);
  const npm = await spawnServer(t, 'npm', ['start', '--silent'], { cwd: ROOT, env: childEnv(dir) });
  npm.child.kill('SIGTERM');
  await npm.exited;
  assert.match(npm.output(), /"msg":"stopped"/);
  await assert.rejects(fetch(`${npm.url}/api/health`), 'nothing listens any more');
});

test('regression: partial uploads left by a hard stop (kill -9) stayed in the upload dir for good', async (t) => {
  const dir = tempDir(t);
  const uploads = join(dir, 'uploads');
  mkdirSync(uploads);
  const stale = `.${'a'.repeat(32)}.txt.part`;
  const fresh = `.${'b'.repeat(32)}.pdf.part`; // could belong to another server's upload in flight
  const other = '.not-ours.part';
  for (const name of [stale, fresh, other]) writeFileSync(join(uploads, name), 'x');
  const hourAgo = new Date(Date.now() - 3_600_000);
  utimesSync(join(uploads, stale), hourAgo, hourAgo);
  utimesSync(join(uploads, other), hourAgo, hourAgo);
  const p = await startProcess(t, dir, { REQUEST_TIMEOUT_MS: '60000' });
  assert.deepEqual(readdirSync(uploads).sort(), [fresh, other].sort());
  assert.ok(p.logs().some((l) => l.msg === 'removed partial uploads left by an earlier hard stop' && l.count === 1));
});
