import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearer, startServer } from '../helpers.ts';

const preflight = (origin: string) => ({ method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' } });

test('default: every /api response allows any origin and exposes Content-Disposition', async (t) => {
  const s = await startServer(t);
  const token = await s.signup();
  for (const [path, init] of [['/api/health', {}], ['/api/nope', {}], ['/api/secure/notes', {}], ['/api/secure/notes', { headers: bearer(token) }]] as const) {
    const r = await s.request(path, { ...init, headers: { ...('headers' in init ? init.headers : {}), Origin: 'http://app.test' } });
    assert.equal(r.headers.get('access-control-allow-origin'), '*', path);
    assert.equal(r.headers.get('access-control-expose-headers'), 'Content-Disposition', path);
    assert.equal(r.headers.get('access-control-allow-credentials'), null);
  }
  const outside = await s.request('/not-api');
  assert.equal(outside.headers.get('access-control-allow-origin'), null);
});

test('preflight is answered before authentication, on any /api path', async (t) => {
  const s = await startServer(t);
  for (const path of ['/api/login', '/api/secure/notes', '/api/secure/upload', '/api/secure/anything']) {
    const r = await s.request(path, preflight('http://localhost:3000'));
    assert.equal(r.status, 204, path);
    assert.equal(r.text, '');
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
    assert.equal(r.headers.get('access-control-allow-methods'), 'GET, POST, HEAD, OPTIONS');
    assert.equal(r.headers.get('access-control-allow-headers'), 'Authorization, Content-Type');
    assert.equal(r.headers.get('access-control-max-age'), '600');
  }
});

test('CORS_ORIGINS: a listed origin is echoed with Vary; others get no CORS headers', async (t) => {
  const s = await startServer(t, { CORS_ORIGINS: 'http://a.test,http://b.test' });
  const listed = await s.request('/api/health', { headers: { Origin: 'http://b.test' } });
  assert.equal(listed.headers.get('access-control-allow-origin'), 'http://b.test');
  assert.equal(listed.headers.get('vary'), 'Origin');
  const other = await s.request('/api/health', { headers: { Origin: 'http://evil.test' } });
  assert.equal(other.status, 200);
  assert.equal(other.headers.get('access-control-allow-origin'), null);
  assert.equal(other.headers.get('access-control-expose-headers'), null);
  assert.equal(other.headers.get('vary'), 'Origin');
  const pre = await s.request('/api/login', preflight('http://evil.test'));
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get('access-control-allow-origin'), null);
  assert.equal(pre.headers.get('access-control-allow-methods'), null);
  const ok = await s.request('/api/login', preflight('http://a.test'));
  assert.equal(ok.headers.get('access-control-allow-origin'), 'http://a.test');
  assert.equal(ok.headers.get('access-control-allow-methods'), 'GET, POST, HEAD, OPTIONS');
});
