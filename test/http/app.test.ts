import assert from 'node:assert/strict';
import { createSecretKey } from 'node:crypto';
import { rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { createToken } from '../../src/auth/index.ts';
import { SECRET, bearer, startServer } from '../helpers.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('each request is one JSON log line: time, level, msg, id, method, path, status, ms, and user when known', async (t) => {
  const s = await startServer(t, { LOG_LEVEL: 'info' });
  const token = await s.signup();
  const list = await s.request('/api/secure/notes?limit=2', { headers: bearer(token) });
  await s.request('/api/nowhere');
  const lines = s.logs().filter((l) => l.msg === 'request');
  const secure = lines.find((l) => l.id === list.headers.get('x-request-id'))!;
  assert.deepEqual(Object.keys(secure).sort(), ['id', 'level', 'method', 'ms', 'msg', 'path', 'status', 'time', 'user']);
  assert.equal(secure.level, 'info');
  assert.equal(secure.method, 'GET');
  assert.equal(secure.path, '/api/secure/notes', 'the query is not logged');
  assert.equal(secure.status, 200);
  assert.equal(typeof secure.ms, 'number');
  assert.equal(typeof secure.user, 'number');
  const missing = lines.find((l) => l.path === '/api/nowhere')!;
  assert.equal(missing.status, 404);
  assert.equal('user' in missing, false);
});

test('LOG_LEVEL=warn: no request lines, but warnings still', async (t) => {
  const s = await startServer(t, { LOG_LEVEL: 'warn' });
  await s.request('/api/health');
  assert.equal(s.logs().length, 0);
  rmSync(s.config.uploadDir, { recursive: true });
  await s.request('/api/health');
  assert.deepEqual(s.logs().map((l) => [l.level, l.msg]), [['warn', 'health check failing']]);
});

const ids: Array<[string, string | undefined, boolean]> = [
  ['a valid id is reused', 'req-42.abc:x_Y', true],
  ['the longest valid id is reused', 'a'.repeat(128), true],
  ['a too long id is replaced', 'a'.repeat(129), false],
  ['an id with a space is replaced', 'two words', false],
  ['an id with a quote is replaced', 'a"b', false],
  ['an id with a slash is replaced', 'a/b', false],
  ['an empty id is replaced', '', false],
  ['a missing id is made', undefined, false],
];
for (const [name, given, reused] of ids) {
  test(`X-Request-Id: ${name}, echoed in the response and the log`, async (t) => {
    const s = await startServer(t);
    const r = await s.request('/api/health', { headers: given === undefined ? {} : { 'X-Request-Id': given } });
    const id = r.headers.get('x-request-id')!;
    if (reused) assert.equal(id, given);
    else assert.match(id, UUID);
    assert.equal(s.logs().filter((l) => l.msg === 'request' && l.id === id).length, 1);
  });
}

test('X-Request-Id is on errors, preflights and downloads too', async (t) => {
  const s = await startServer(t);
  const token = await s.signup();
  const up = await s.upload(token, 'a.txt', 'hi');
  const cases: Array<[string, RequestInit]> = [
    ['/api/nowhere', {}],
    ['/api/secure/notes', {}],
    ['/api/login', { method: 'OPTIONS', headers: { Origin: 'http://x.test', 'Access-Control-Request-Method': 'POST' } }],
    [`/api/secure/download/${up.body.filename}`, { headers: bearer(token) }],
  ];
  for (const [path, init] of cases) {
    const r = await fetch(s.url + path, { ...init, headers: { ...init.headers, 'X-Request-Id': 'trace-1' } });
    await r.arrayBuffer();
    assert.equal(r.headers.get('x-request-id'), 'trace-1', path);
  }
});

test('unknown paths are 404 JSON; known paths with the wrong method are 405 with Allow', async (t) => {
  const s = await startServer(t);
  for (const path of ['/', '/api', '/api/nope', '/api/register/', '/favicon.ico']) {
    const r = await s.request(path);
    assert.equal(r.status, 404, path);
    assert.deepEqual(r.body, { error: 'Not found' });
  }
  const cases: Array<[string, string, string]> = [
    ['GET', '/api/register', 'POST, OPTIONS'],
    ['DELETE', '/api/login', 'POST, OPTIONS'],
    ['POST', '/api/health', 'GET, HEAD, OPTIONS'],
    ['PUT', '/api/openapi.json', 'GET, HEAD, OPTIONS'],
  ];
  for (const [method, path, allow] of cases) {
    const r = await s.request(path, { method });
    assert.equal(r.status, 405, `${method} ${path}`);
    assert.deepEqual(r.body, { error: 'Method not allowed' });
    assert.equal(r.headers.get('allow'), allow);
  }
});

test('secure paths: 401 before 404 and 405, with WWW-Authenticate', async (t) => {
  const s = await startServer(t);
  const token = await s.signup();
  const missing = await s.request('/api/secure/nope');
  assert.equal(missing.status, 401);
  assert.deepEqual(missing.body, { error: 'Missing Bearer token' });
  assert.equal(missing.headers.get('www-authenticate'), 'Bearer');
  assert.equal((await s.request('/api/secure/nope', { headers: bearer(token) })).status, 404);
  const put = await s.request('/api/secure/notes', { method: 'PUT', headers: bearer(token) });
  assert.equal(put.status, 405);
  assert.equal(put.headers.get('allow'), 'GET, POST, HEAD, OPTIONS');
});

test('Authorization header forms', async (t) => {
  const s = await startServer(t);
  const token = await s.signup();
  const cases: Array<[string | undefined, number, string | null]> = [
    [undefined, 401, 'Missing Bearer token'],
    ['', 401, 'Missing Bearer token'],
    ['Bearer', 401, 'Missing Bearer token'],
    ['Bearer    ', 401, 'Missing Bearer token'],
    ['Basic dXNlcjpwYXNz', 401, 'Invalid token'],
    [token, 401, 'Invalid token'],
    ['Bearer invalid_token', 401, 'Invalid token'],
    [`Bearer ${token}x`, 401, 'Invalid token'],
    [`Bearer ${token}`, 200, null],
    [`bearer ${token}`, 200, null],
    [`BEARER   ${token}  `, 200, null],
  ];
  for (const [header, status, error] of cases) {
    const r = await s.request('/api/secure/notes', { headers: header === undefined ? {} : { Authorization: header } });
    assert.equal(r.status, status, String(header));
    if (error) {
      assert.deepEqual(r.body, { error }, String(header));
      assert.equal(r.headers.get('www-authenticate'), 'Bearer');
    }
  }
});

test('a valid token for a user that does not exist is refused', async (t) => {
  const s = await startServer(t);
  const forged = createToken(999, createSecretKey(Buffer.from(SECRET)), Math.floor(Date.now() / 1000), 60);
  const r = await s.post('/api/secure/notes', { content: 'x' }, bearer(forged));
  assert.equal(r.status, 401);
  assert.deepEqual(r.body, { error: 'Invalid token' });
});

test('tokens expire after JWT_TTL seconds on the injected clock', async (t) => {
  let now = Date.UTC(2030, 0, 1);
  const s = await startServer(t, { JWT_TTL: '60' }, { now: () => now });
  const token = await s.signup();
  assert.equal((await s.request('/api/secure/notes', { headers: bearer(token) })).status, 200);
  now += 59_000;
  assert.equal((await s.request('/api/secure/notes', { headers: bearer(token) })).status, 200);
  now += 1_000;
  const expired = await s.request('/api/secure/notes', { headers: bearer(token) });
  assert.equal(expired.status, 401);
  assert.deepEqual(expired.body, { error: 'Invalid token' });
});

test('HEAD is answered wherever GET is, without a body', async (t) => {
  const s = await startServer(t);
  const token = await s.signup();
  for (const path of ['/api/health', '/api/openapi.json', '/api/secure/notes']) {
    const get = await s.request(path, { headers: bearer(token) });
    const head = await s.request(path, { method: 'HEAD', headers: bearer(token) });
    assert.equal(head.status, 200, path);
    assert.equal(head.text, '');
    assert.equal(head.headers.get('content-length'), get.headers.get('content-length'));
  }
});

test('every JSON response is nosniff, no-store, and carries a request id', async (t) => {
  const s = await startServer(t);
  for (const r of [await s.request('/api/health'), await s.request('/nope'), await s.post('/api/login', '{')]) {
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.match(r.headers.get('x-request-id')!, /^[\w.:-]+$/);
  }
});

test('regression: after the database was restored (or made anew) under the same key, an old token opened the account that reused its user id', async (t) => {
  let now = Date.UTC(2030, 0, 1);
  const s = await startServer(t, {}, { now: () => now });
  await s.signup('first');
  const mallory = await s.signup('mallory'); // user 2
  // As a restore of a backup taken before mallory registered: user 2 is gone, and someone
  // registering later gets id 2 again.
  const db = new DatabaseSync(s.config.databasePath);
  db.exec('DELETE FROM users WHERE id = 2');
  db.close();
  now += 60_000;
  const victim = await s.signup('victim');
  assert.equal((await s.post('/api/secure/notes', { content: 'victim secret' }, bearer(victim))).status, 200);
  const stolen = await s.request('/api/secure/notes', { headers: bearer(mallory) });
  assert.equal(stolen.status, 401);
  assert.deepEqual(stolen.body, { error: 'Invalid token' });
  assert.equal((await s.request('/api/secure/notes', { headers: bearer(victim) })).status, 200);
});
