import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createToken } from '../../src/auth/index.ts';
import { SECRET, bearer, startServer } from '../helpers.ts';

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
  const forged = createToken(999, Buffer.from(SECRET), Math.floor(Date.now() / 1000), 60);
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
