// Accounts: byte limits in UTF-8, control characters, look-alike names, races, and a login that reveals nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from '../helpers.ts';
import { assertError, assertIntact } from './expect.ts';

test('passwords over 72 UTF-8 bytes are refused even when they have few characters', async (t) => {
  const s = await startServer(t);
  const cases: Array<[string, string]> = [
    ['73 ASCII bytes', 'a'.repeat(73)],
    ['37 two-byte characters (74 bytes)', 'é'.repeat(37)],
    ['25 three-byte characters (75 bytes)', '€'.repeat(25)],
    ['19 four-byte characters (76 bytes)', '😀'.repeat(19)],
    ['71 ASCII bytes and one two-byte character', 'a'.repeat(71) + 'é'],
    ['lone surrogates counted as 3 bytes', '\ud800'.repeat(25)],
  ];
  const before = s.snapshot();
  for (const [label, password] of cases) {
    assertError(await s.post('/api/register', { username: 'longpass', password }), 400, 'Password must be at most 72 bytes', label);
  }
  await assertIntact(s, before, 'long passwords');
  for (const [i, password] of ['é'.repeat(36), '😀'.repeat(18), 'a'.repeat(72)].entries()) {
    assert.equal((await s.post('/api/register', { username: `exactly72_${i}`, password })).status, 200, password);
  }
});

test('login with a password longer than 72 bytes fails even when its first 72 bytes are right', async (t) => {
  // bcrypt reads only 72 bytes: without a check, any suffix after a 72-byte password logs in.
  const s = await startServer(t);
  for (const [name, password] of [['ascii72', 'p'.repeat(72)], ['utf872', 'é'.repeat(36)]] as const) {
    await s.signup(name, password);
    for (const suffix of ['x', 'anything at all', 'é']) {
      const r = await s.post('/api/login', { username: name, password: password + suffix });
      assertError(r, 401, 'Invalid credentials', `${name} + ${suffix}`);
    }
    assert.equal((await s.post('/api/login', { username: name, password })).status, 200);
  }
});

test('NUL and control characters in passwords are kept, not cut off', async (t) => {
  const s = await startServer(t);
  for (const [name, password, wrong] of [
    ['nulpass', 'abc\0def', 'abc\0xyz'],
    ['nulstart', '\0secret', '\0other1'],
    ['ctrlpass', 'a\r\nb\tc\x7f', 'a\r\nb\tcX'],
    ['surrogate', '\ud800abcdef', '\ud801abcdef'],
  ] as const) {
    await s.signup(name, password);
    assertError(await s.post('/api/login', { username: name, password: wrong }), 401, 'Invalid credentials', name);
    assertError(await s.post('/api/login', { username: name, password: password.slice(0, password.indexOf('\0') + 1 || 3) }), 401, 'Invalid credentials', `${name} prefix`);
  }
});

test('usernames outside ASCII letters, digits, - and _ are refused', async (t) => {
  const s = await startServer(t);
  await s.signup('alice');
  const ONLY = 'Username can only contain letters, numbers, hyphens, and underscores';
  const cases: Array<[string, string]> = [
    ['ålice', ONLY], ['\u0430lice', ONLY], ['ａlice', ONLY], ['alice\u200b', ONLY], ['ali ce', ONLY], ['alice\0', ONLY],
    ['alice\n', ONLY], ['al\tice', ONLY], ['ALİCE', ONLY], ['___', ONLY], ['---', ONLY], ['-_-', ONLY], ['😀😀😀', ONLY],
    ['../alice', ONLY], ["alice' OR 1=1--", ONLY], ['<script>', ONLY], ['alice%00', ONLY],
    ['😀😀', 'Username must be between 3 and 50 characters'], ['ab', 'Username must be between 3 and 50 characters'],
    ['a'.repeat(51), 'Username must be between 3 and 50 characters'],
  ];
  const before = s.snapshot();
  for (const [username, message] of cases) {
    assertError(await s.post('/api/register', { username, password: 'secret1' }), 400, message, JSON.stringify(username));
  }
  for (const username of ['Alice', 'ALICE', 'aLiCe']) {
    assertError(await s.post('/api/register', { username, password: 'secret1' }), 409, 'Username already taken', username);
    assert.equal((await s.post('/api/login', { username, password: 'password123' })).status, 200, `login as ${username}`);
  }
  for (const username of ['ålice', '\u0430lice', 'alice\0', ' alice']) {
    assertError(await s.post('/api/login', { username, password: 'password123' }), 401, 'Invalid credentials', JSON.stringify(username));
  }
  await assertIntact(s, before, 'usernames');
});

test('20 concurrent registrations of one name (in any case): exactly one 200, the rest 409', async (t) => {
  const s = await startServer(t);
  for (const name of ['racer', 'Twin']) {
    const spellings = Array.from({ length: 20 }, (_, i) => (i % 2 ? name.toUpperCase() : name.toLowerCase()));
    const replies = await Promise.all(spellings.map((username) => s.post('/api/register', { username, password: 'secret1' })));
    assert.equal(replies.filter((r) => r.status === 200).length, 1, name);
    for (const r of replies.filter((r) => r.status !== 200)) assertError(r, 409, 'Username already taken', name);
  }
  assert.equal(s.counts().users, 2);
});

test('login for an unknown user is indistinguishable from a wrong password', async (t) => {
  const s = await startServer(t);
  await s.signup('known', 'password123');
  const shape = (r: Awaited<ReturnType<typeof s.post>>) => ({ status: r.status, text: r.text, names: [...r.headers.keys()].sort() });
  const wrong = shape(await s.post('/api/login', { username: 'known', password: 'wrong-password' }));
  for (const username of ['unknown', 'KNOWN2', 'ålien', 'x'.repeat(500)]) {
    assert.deepEqual(shape(await s.post('/api/login', { username, password: 'wrong-password' })), wrong, username);
  }
  assert.deepEqual(wrong.text, '{"error":"Invalid credentials"}');
});
