import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import type { LogLevel } from '../src/config.ts';
import { createLogger, describeError } from '../src/log.ts';
import { SECRET, bearer, startProcess, tempDir } from './helpers.ts';

const levels: Array<[LogLevel, string[]]> = [
  ['debug', ['debug', 'info', 'warn', 'error']],
  ['info', ['info', 'warn', 'error']],
  ['warn', ['warn', 'error']],
  ['error', ['error']],
];
for (const [level, written] of levels) {
  test(`createLogger('${level}') writes ${written.join(', ')}`, () => {
    const lines: string[] = [];
    const log = createLogger(level, (chunk) => void lines.push(chunk));
    for (const name of ['debug', 'info', 'warn', 'error'] as const) log[name](name, { n: 1 });
    log.flush();
    const parsed = lines.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    assert.deepEqual(parsed.map((l) => l.level), written);
    for (const l of parsed) {
      assert.equal(l.msg, l.level);
      assert.equal(l.n, 1);
      assert.ok(!Number.isNaN(Date.parse(l.time)));
    }
  });
}

test('createLogger: lines of one turn go out in one write, at the next turn or on flush', async () => {
  const chunks: string[] = [];
  const log = createLogger('info', (chunk) => void chunks.push(chunk));
  log.info('a');
  log.info('b');
  assert.equal(chunks.length, 0);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(chunks.length, 1);
  assert.equal(chunks[0]!.split('\n').filter(Boolean).length, 2);
});

test('describeError: the stack only in debug mode', () => {
  const err = Object.assign(new Error('boom'), { code: 'EBOOM' });
  assert.deepEqual(describeError(err, false), { error: 'boom', name: 'Error', code: 'EBOOM' });
  assert.equal(describeError(err, true).stack, err.stack);
  assert.deepEqual(describeError('text', true), { error: 'text' });
});

test('the startup line names the address, database, upload dir and Node version', async (t) => {
  const dir = tempDir(t);
  const p = await startProcess(t, dir);
  const line = p.logs().find((l) => l.msg === 'listening')!;
  assert.equal(line.level, 'info');
  assert.equal(line.address, '127.0.0.1');
  assert.equal(line.url, p.url);
  assert.equal(line.database, join(dir, 'app.db'));
  assert.equal(line.uploads, join(dir, 'uploads'));
  assert.equal(line.node, process.version);
});

// Everything the process writes, at the most talkative settings, while a user signs up, logs
// in, fails to log in, and uses, mangles and omits a token.
for (const [given, secretOf] of [
  ['JWT_SECRET given', () => SECRET],
  ['JWT_SECRET generated', (dir: string) => readFileSync(join(dir, 'app.db.secret'), 'utf8').trim()],
] as const) {
  test(`no password, token or secret appears in any log output (${given}, LOG_LEVEL=debug, DEBUG=true)`, async (t) => {
    const dir = tempDir(t);
    const env: Record<string, string> = { LOG_LEVEL: 'debug', DEBUG: 'true' };
    if (given === 'JWT_SECRET generated') env.JWT_SECRET = '';
    const p = await startProcess(t, dir, env);
    const password = 'Pa55word-that-must-not-leak';
    const json = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(p.url + path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

    assert.equal((await json('/api/register', { username: 'carol', password })).status, 200);
    assert.equal((await json('/api/register', { username: 'carol', password })).status, 409);
    assert.equal((await json('/api/login', { username: 'carol', password: `${password}-wrong` })).status, 401);
    assert.equal((await json('/api/login', `{"username": "carol", "password": "${password}"`)).status, 400); // broken JSON
    const login = await json('/api/login', { username: 'carol', password });
    const { token } = (await login.json()) as { token: string };
    assert.equal((await json('/api/secure/notes', { content: 'hello' }, bearer(token))).status, 200);
    assert.equal((await fetch(`${p.url}/api/secure/notes`, { headers: bearer(token) })).status, 200);
    const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    assert.equal((await fetch(`${p.url}/api/secure/notes`, { headers: bearer(tampered) })).status, 401);
    assert.equal((await fetch(`${p.url}/api/secure/notes?limit=x`, { headers: { Authorization: `Basic ${token}` } })).status, 401);
    p.child.kill('SIGTERM');
    assert.deepEqual(await p.exited, { code: 0, signal: null });

    const output = p.output();
    assert.ok(output.includes('"msg":"request"') && output.includes('"user":1'), 'the requests were logged');
    const signature = token.split('.')[2]!;
    const secret = secretOf(dir);
    const db = new DatabaseSync(join(dir, 'app.db'), { readOnly: true });
    const { password: hash } = db.prepare('SELECT password FROM users').get() as { password: string };
    db.close();
    for (const [what, value] of [['password', password], ['password hash', hash], ['token', token], ['token signature', signature], ['tampered token', tampered], ['JWT secret', secret]]) {
      assert.ok(!output.includes(value!), `the ${what} appears in the log output`);
    }
  });
}
