// Brute force: login and register are limited per client address; everything else is not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearer, startServer } from '../helpers.ts';
import { assertError, assertIntact } from './expect.ts';

test('login and register attempts past the burst are 429 with Retry-After, other routes still answer', async (t) => {
  let now = 1_000_000;
  const s = await startServer(t, { RATE_LIMIT_BURST: '5', RATE_LIMIT_PER_MINUTE: '2', RATE_LIMIT_CLIENTS: '3' }, { now: () => now });
  const token = await s.signup('limited', 'password123'); // 2 attempts spent
  const before = s.snapshot();
  for (let i = 0; i < 3; i++) assertError(await s.post('/api/login', { username: 'limited', password: `wrong${i}xx` }), 401, 'Invalid credentials');
  for (const [path, body] of [['/api/login', { username: 'limited', password: 'password123' }], ['/api/register', { username: 'newcomer', password: 'secret1' }], ['/api/login', 'not json']] as const) {
    const r = await s.post(path, body);
    assertError(r, 429, 'Too many requests', path);
    assert.equal(r.headers.get('retry-after'), '30', path);
  }
  // The right password does not get through either, and the limit spares other routes.
  assert.equal((await s.request('/api/secure/notes', { headers: bearer(token) })).status, 200);
  assert.equal((await s.request('/api/health')).status, 200);
  await assertIntact(s, before, 'rate limited');
  now += 30_000;
  assert.equal((await s.post('/api/login', { username: 'limited', password: 'password123' })).status, 200, 'one attempt back after Retry-After');
  assertError(await s.post('/api/login', { username: 'limited', password: 'password123' }), 429, 'Too many requests');
});

test('concurrent attempts cannot outrun the bucket', async (t) => {
  const s = await startServer(t, { RATE_LIMIT_BURST: '4', RATE_LIMIT_PER_MINUTE: '1' });
  const replies = await Promise.all(Array.from({ length: 30 }, (_, i) => s.post('/api/register', { username: `burst${i}`, password: 'secret1' })));
  assert.equal(replies.filter((r) => r.status === 200).length, 4);
  for (const r of replies.filter((r) => r.status !== 200)) assertError(r, 429, 'Too many requests');
  assert.equal(s.counts().users, 4);
});
