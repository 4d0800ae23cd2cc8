import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearer, startServer } from './helpers.ts';

test('register, login, add and list a note', async (t) => {
  const s = await startServer(t);
  const token = await s.signup('alice');
  const add = await s.post('/api/secure/notes', { content: 'hi' }, bearer(token));
  assert.equal(add.status, 200);
  const list = await s.request('/api/secure/notes', { headers: bearer(token) });
  assert.deepEqual(list.body, { notes: [{ id: add.body.id, content: 'hi' }] });
  const up = await s.upload(token, 'a.txt', 'hello');
  assert.equal(up.status, 200);
  assert.deepEqual(s.uploads(), [up.body.filename]);
  assert.deepEqual(s.counts(), { users: 1, notes: 1, files: 1 });
});
