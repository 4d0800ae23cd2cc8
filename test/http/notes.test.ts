import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Store } from '../../src/store/index.ts';
import { openStore } from '../../src/store/index.ts';
import { bearer, startServer } from '../helpers.ts';

test('add: 200 with message and id; content is kept as sent', async (t) => {
  const s = await startServer(t);
  const token = await s.signup();
  const content = '  My first secure note, with ünïcode 🎉  ';
  const r = await s.post('/api/secure/notes', { content }, bearer(token));
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { message: 'Note added', id: r.body.id });
  assert.ok(Number.isInteger(r.body.id));
  const list = await s.request('/api/secure/notes', { headers: bearer(token) });
  assert.deepEqual(list.body.notes, [{ id: r.body.id, content }]);
});

test('add: content rules', async (t) => {
  const s = await startServer(t);
  const token = await s.signup();
  const required = 'Note content is required';
  const cases: Array<[unknown, number, string | null]> = [
    [{ content: '' }, 400, required],
    [{ content: ' \t\n ' }, 400, required],
    [{ content: 5 }, 400, required],
    [{ content: null }, 400, required],
    [{ content: ['x'] }, 400, required],
    [{ text: 'x' }, 400, required],
    [{ content: 'x'.repeat(1001) }, 400, 'Note content cannot exceed 1000 characters'],
    [{ content: '🎉'.repeat(1001) }, 400, 'Note content cannot exceed 1000 characters'],
    [{ content: 'x'.repeat(1000) }, 200, null],
    [{ content: '🎉'.repeat(1000) }, 200, null], // 1000 code points, 2000 UTF-16 units
  ];
  for (const [body, status, error] of cases) {
    const r = await s.post('/api/secure/notes', body, bearer(token));
    assert.equal(r.status, status, JSON.stringify(body).slice(0, 60));
    if (error) assert.deepEqual(r.body, { error });
  }
  assert.equal(s.counts().notes, 2);
});

test('list: own notes only, id order, limit and offset with defaults', async (t) => {
  const s = await startServer(t);
  const alice = await s.signup();
  const bob = await s.signup();
  const ids: number[] = [];
  for (let i = 0; i < 12; i++) {
    ids.push((await s.post('/api/secure/notes', { content: `a${i}` }, bearer(alice))).body.id);
    await s.post('/api/secure/notes', { content: `b${i}` }, bearer(bob));
  }
  const page = async (query: string) => (await s.request(`/api/secure/notes${query}`, { headers: bearer(alice) })).body.notes.map((n: { id: number }) => n.id);
  assert.deepEqual(await page(''), ids.slice(0, 5));
  assert.deepEqual(await page('?limit=&offset='), ids.slice(0, 5));
  assert.deepEqual(await page('?limit=10&offset=5'), ids.slice(5, 12));
  assert.deepEqual(await page('?limit=1'), ids.slice(0, 1));
  assert.deepEqual(await page('?limit=100'), ids);
  assert.deepEqual(await page('?offset=11'), ids.slice(11));
  assert.deepEqual(await page('?offset=12'), []);
  assert.deepEqual(await page('?offset=999999999999999'), []);
  assert.deepEqual(await page('?limit=007&offset=0002'), ids.slice(2, 9));
  assert.deepEqual(await page('?other=1&limit=2'), ids.slice(0, 2));
});

test('list: pagination values must be plain digits, then limit 1-100', async (t) => {
  const s = await startServer(t);
  const token = await s.signup();
  const invalid = 'Invalid pagination parameters';
  const range = 'Limit must be between 1 and 100';
  const cases: Array<[string, string]> = [
    ['limit=-1', invalid], ['limit=5.5', invalid], ['limit=0x10', invalid], ['limit=1e2', invalid],
    ['limit=%205', invalid], ['limit=12abc', invalid], ['limit=1&limit=2', invalid], ['limit=+5', invalid],
    ['offset=-1', invalid], ['offset=abc', invalid], ['offset=1234567890123456', invalid],
    ['limit=9007199254740993', invalid], ['offset=0&offset=1', invalid],
    ['limit=0', range], ['limit=101', range], ['limit=999999999999999', range],
    ['limit=0&offset=x', invalid], // both parsed before either range check
  ];
  for (const [query, error] of cases) {
    const r = await s.request(`/api/secure/notes?${query}`, { headers: bearer(token) });
    assert.equal(r.status, 400, query);
    assert.deepEqual(r.body, { error }, query);
  }
});

test('storage failures are 500 with the contract message and no detail', async (t) => {
  const real = openStore(':memory:');
  const broken: Store = {
    ...real,
    addNote() { throw new Error('SQLITE_FULL: database or disk is full at /secret/path'); },
    listNotes() { throw new Error('SQLITE_IOERR at /secret/path'); },
  };
  const s = await startServer(t, {}, { store: broken });
  const token = await s.signup();
  const add = await s.post('/api/secure/notes', { content: 'x' }, bearer(token));
  assert.equal(add.status, 500);
  assert.deepEqual(add.body, { error: 'Failed to add note' });
  const list = await s.request('/api/secure/notes', { headers: bearer(token) });
  assert.equal(list.status, 500);
  assert.deepEqual(list.body, { error: 'Failed to fetch notes' });
  const errors = s.logs().filter((l) => l.level === 'error');
  assert.deepEqual(errors.map((l) => l.msg), ['Failed to add note', 'Failed to fetch notes']);
  assert.match(String(errors[0]!.error), /SQLITE_FULL/);
});
