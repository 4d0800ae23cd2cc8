import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from '../helpers.ts';

test('register: 200 with the contract message, stored as a bcrypt hash', async (t) => {
  const s = await startServer(t);
  const r = await s.post('/api/register', { username: 'john_doe', password: 'securepassword123' });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { message: 'User registered' });
  assert.equal(s.counts().users, 1);
});

test('register: validation in contract order, first failure wins', async (t) => {
  const s = await startServer(t);
  const required = 'Username and password are required';
  const cases: Array<[unknown, string]> = [
    [{ password: 'secret1' }, required],
    [{ username: 'bob' }, required],
    [{ username: '', password: 'secret1' }, required],
    [{ username: 'bob', password: '' }, required],
    [{ username: 42, password: 'secret1' }, required],
    [{ username: 'bob', password: ['secret1'] }, required],
    [{ username: null, password: 'x' }, required],
    // 2. length, before the password rules
    [{ username: 'ab', password: 'x' }, 'Username must be between 3 and 50 characters'],
    [{ username: 'a'.repeat(51), password: 'x' }, 'Username must be between 3 and 50 characters'],
    [{ username: '!!', password: 'x' }, 'Username must be between 3 and 50 characters'],
    // 3. password length, before the character rule
    [{ username: 'b b', password: 'short' }, 'Password must be at least 6 characters'],
    [{ username: 'bob', password: 'ééééé' }, 'Password must be at least 6 characters'],
    // 4. 72 UTF-8 bytes
    [{ username: 'b b', password: 'é'.repeat(37) }, 'Password must be at most 72 bytes'],
    [{ username: 'bob', password: 'x'.repeat(73) }, 'Password must be at most 72 bytes'],
    // 5. characters
    [{ username: 'b b', password: 'secret1' }, 'Username can only contain letters, numbers, hyphens, and underscores'],
    [{ username: 'bøb', password: 'secret1' }, 'Username can only contain letters, numbers, hyphens, and underscores'],
    [{ username: '___', password: 'secret1' }, 'Username can only contain letters, numbers, hyphens, and underscores'],
    [{ username: '-_-', password: 'secret1' }, 'Username can only contain letters, numbers, hyphens, and underscores'],
  ];
  for (const [body, error] of cases) {
    const r = await s.post('/api/register', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.deepEqual(r.body, { error }, JSON.stringify(body));
  }
  assert.equal(s.counts().users, 0);
});

test('register: the edges that are allowed', async (t) => {
  const s = await startServer(t);
  for (const [username, password] of [['abc', 'sixsix'], ['a'.repeat(50), 'x'.repeat(72)], ['_a-', 'é'.repeat(36)], ['A1', 'x'.repeat(6)]]) {
    const r = await s.post('/api/register', { username, password });
    if (username === 'A1') assert.equal(r.status, 400); // 2 characters
    else assert.equal(r.status, 200, `${username}: ${r.text}`);
  }
});

test('register: usernames are unique in any letter case (409)', async (t) => {
  const s = await startServer(t);
  assert.equal((await s.post('/api/register', { username: 'alice', password: 'secret1' })).status, 200);
  for (const username of ['alice', 'Alice', 'ALICE']) {
    const r = await s.post('/api/register', { username, password: 'secret2' });
    assert.equal(r.status, 409);
    assert.deepEqual(r.body, { error: 'Username already taken' });
  }
});

test('register: concurrent registrations of one name give one 200, the rest 409', async (t) => {
  const s = await startServer(t);
  const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => s.post('/api/register', { username: i % 2 ? 'Race' : 'race', password: 'secret1' })));
  assert.deepEqual(replies.map((r) => r.status).sort(), [200, ...Array(9).fill(409)]);
  assert.equal(s.counts().users, 1);
});

test('login: a token for the right password, in any username case', async (t) => {
  const s = await startServer(t);
  await s.post('/api/register', { username: 'Alice', password: 'secret1' });
  for (const username of ['Alice', 'alice']) {
    const r = await s.post('/api/login', { username, password: 'secret1' });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body), ['token']);
    assert.match(r.body.token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  }
});

test('login: unknown user and wrong password are the same 401', async (t) => {
  const s = await startServer(t);
  await s.post('/api/register', { username: 'alice', password: 'secret1' });
  const wrong = await s.post('/api/login', { username: 'alice', password: 'secret2' });
  const unknown = await s.post('/api/login', { username: 'nobody', password: 'secret1' });
  for (const r of [wrong, unknown]) {
    assert.equal(r.status, 401);
    assert.deepEqual(r.body, { error: 'Invalid credentials' });
  }
  const names = (r: typeof wrong) => [...r.headers.keys()].filter((k) => k !== 'x-request-id' && k !== 'date').sort();
  assert.deepEqual(names(wrong), names(unknown));
  assert.equal(wrong.headers.get('content-length'), unknown.headers.get('content-length'));
});

test('login: missing or non-string fields are 400', async (t) => {
  const s = await startServer(t);
  for (const body of [{ username: 'alice' }, { password: 'x' }, { username: '', password: 'x' }, { username: 'alice', password: 7 }]) {
    const r = await s.post('/api/login', body);
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, { error: 'Username and password are required' });
  }
});

test('JSON bodies: invalid JSON, non-objects and empty objects, whatever the Content-Type', async (t) => {
  const s = await startServer(t);
  const cases: Array<[string, string]> = [
    ['{"username": "bob",', 'Invalid JSON'],
    ["{'username': 'bob'}", 'Invalid JSON'],
    ['', 'JSON body required'],
    ['   ', 'JSON body required'],
    ['null', 'JSON body required'],
    ['[]', 'JSON body required'],
    ['[{"username":"bob","password":"secret1"}]', 'JSON body required'],
    ['"text"', 'JSON body required'],
    ['42', 'JSON body required'],
    ['true', 'JSON body required'],
    ['{}', 'JSON body required'],
  ];
  for (const [body, error] of cases) {
    for (const type of ['application/json', 'application/x-www-form-urlencoded', 'text/plain']) {
      const r = await s.post('/api/register', body, { 'Content-Type': type });
      assert.equal(r.status, 400, `${type} ${body}`);
      assert.deepEqual(r.body, { error }, `${type} ${body}`);
    }
  }
  // curl -d sends form-urlencoded; it must still work.
  const ok = await s.post('/api/register', '{"username": "curl", "password": "secret1"}', { 'Content-Type': 'application/x-www-form-urlencoded' });
  assert.equal(ok.status, 200);
});

test('JSON bodies over the cap are 413, from Content-Length or while reading', async (t) => {
  const s = await startServer(t, { MAX_BODY_BYTES: '1000' });
  const big = JSON.stringify({ username: 'bob', password: 'x'.repeat(2000) });
  const declared = await s.post('/api/register', big);
  assert.equal(declared.status, 413);
  assert.deepEqual(declared.body, { error: 'Request body too large' });
  const chunked = await s.request('/api/register', {
    method: 'POST',
    body: new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(big)); c.close(); } }),
    duplex: 'half',
  } as RequestInit);
  assert.equal(chunked.status, 413);
  assert.deepEqual(chunked.body, { error: 'Request body too large' });
  assert.equal((await s.post('/api/register', { username: 'bob', password: 'secret1' })).status, 200);
});
