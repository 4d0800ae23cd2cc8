import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DomainError } from '../../src/errors.ts';
import { openStore } from '../../src/store/index.ts';

test('usernames are unique in any letter case, and looked up in any case', () => {
  const store = openStore(':memory:');
  const id = store.createUser('Alice', 'hash', 1);
  assert.throws(() => store.createUser('alice', 'hash2', 1), (e) => e instanceof DomainError && e.code === 'UsernameTaken');
  assert.throws(() => store.createUser('ALICE', 'hash2', 1), (e) => e instanceof DomainError && e.code === 'UsernameTaken');
  assert.deepEqual({ ...store.findUser('aLiCe') }, { id, password: 'hash' });
  assert.equal(store.findUser('bob'), undefined);
  store.close();
});

test('notes are per user, in id order, with limit and offset', () => {
  const store = openStore(':memory:');
  const a = store.createUser('alice', 'h', 1);
  const b = store.createUser('bob', 'h', 1);
  const ids = [];
  for (let i = 0; i < 5; i++) {
    ids.push(store.addNote(a, `a${i}`));
    store.addNote(b, `b${i}`);
  }
  assert.deepEqual(store.listNotes(a, 2, 1).map((n) => ({ ...n })), [{ id: ids[1], content: 'a1' }, { id: ids[2], content: 'a2' }]);
  assert.deepEqual(store.listNotes(a, 100, 0).map((n) => n.content), ['a0', 'a1', 'a2', 'a3', 'a4']);
  assert.deepEqual(store.listNotes(a, 5, 5), []);
  assert.deepEqual(store.listNotes(a, 5, 999_999_999_999_999), []);
  store.close();
});

test('a note for a user that does not exist is refused by the foreign key', () => {
  const store = openStore(':memory:');
  assert.throws(() => store.addNote(99, 'x'), /FOREIGN KEY/);
  store.close();
});

test('files are found only with their owner', () => {
  const store = openStore(':memory:');
  const a = store.createUser('alice', 'h', 1);
  const b = store.createUser('bob', 'h', 1);
  const name = `${'a'.repeat(32)}.txt`;
  store.addFile({ name, userId: a, originalName: 'é.txt', size: 3, createdAt: 1 });
  assert.deepEqual({ ...store.findFile(a, name) }, { name, userId: a, originalName: 'é.txt', size: 3, createdAt: 1 });
  assert.equal(store.findFile(b, name), undefined);
  store.close();
});
