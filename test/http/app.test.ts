import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { bearer, startServer } from '../helpers.ts';

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
