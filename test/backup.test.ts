import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { ROOT, bearer, runNode, startServer, tempDir } from './helpers.ts';

const BACKUP = join(ROOT, 'src', 'backup.ts');

function rows(file: string) {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return {
      integrity: (db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check,
      users: db.prepare('SELECT username FROM users ORDER BY id').all().map((r) => r.username),
      notes: db.prepare('SELECT id, content FROM notes ORDER BY id').all().map((r) => ({ ...r })),
      files: db.prepare('SELECT original_name FROM files').all().map((r) => r.original_name),
    };
  } finally {
    db.close();
  }
}

test('backup copies the database of a running server, and the copy holds its rows', async (t) => {
  const s = await startServer(t);
  const token = await s.signup('alice');
  for (const content of ['one', 'two']) assert.equal((await s.post('/api/secure/notes', { content }, bearer(token))).status, 200);
  assert.equal((await s.upload(token, 'report.pdf', 'pdf bytes')).status, 200);

  const target = join(tempDir(t), 'copy.db');
  const r = await runNode([BACKUP, target], { PATH: process.env.PATH ?? '', DATABASE_PATH: s.config.databasePath });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Backed up .* to .*copy\.db \(\d+ pages\)\n$/);
  // regression: the copy (every password hash) was readable by all (0644)
  assert.equal(statSync(target).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dirname(target)), ['copy.db'], 'no .part left');
  assert.deepEqual(rows(target), {
    integrity: 'ok', users: ['alice'], notes: [{ id: 1, content: 'one' }, { id: 2, content: 'two' }], files: ['report.pdf'],
  });
  // The server goes on, and the copy does not follow it.
  assert.equal((await s.post('/api/secure/notes', { content: 'three' }, bearer(token))).status, 200);
  assert.equal(rows(target).notes.length, 2);
});

test('backup while notes are being written: the copy is one consistent snapshot', async (t) => {
  const s = await startServer(t);
  const token = await s.signup();
  let writing = true;
  const writer = (async () => {
    for (let i = 0; writing; i++) await s.post('/api/secure/notes', { content: `note ${i}` }, bearer(token));
  })();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const target = join(tempDir(t), 'copy.db');
  const r = await runNode([BACKUP, target], { PATH: process.env.PATH ?? '', DATABASE_PATH: s.config.databasePath });
  writing = false;
  await writer;
  assert.equal(r.code, 0, r.stderr);
  const copy = rows(target);
  assert.equal(copy.integrity, 'ok');
  assert.ok(copy.notes.length > 0);
  // Every note up to the last one copied, none missing in between.
  assert.deepEqual(copy.notes.map((n) => n.id), copy.notes.map((_, i) => i + 1));
});

test('npm run backup with no file name writes backup-<timestamp>.db in the working directory', async (t) => {
  const s = await startServer(t);
  await s.signup('bob');
  const dir = tempDir(t);
  // npm runs the script in the package root, so the default name is tried from node directly in `dir`.
  const r = await runNode([BACKUP], { PATH: process.env.PATH ?? '', DATABASE_PATH: s.config.databasePath }, dir);
  assert.equal(r.code, 0, r.stderr);
  const made = readdirSync(dir);
  assert.equal(made.length, 1);
  assert.match(made[0]!, /^backup-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.db$/);
  assert.deepEqual(rows(join(dir, made[0]!)).users, ['bob']);

  const target = join(dir, 'via-npm.db');
  const child = spawn('npm', ['run', '--silent', 'backup', '--', target], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', DATABASE_PATH: s.config.databasePath }, stdio: 'ignore' });
  assert.equal(await new Promise((done) => child.once('close', done)), 0);
  assert.deepEqual(rows(target).users, ['bob']);
});

const refusals: Array<[string, (dir: string, db: string) => [string[], Record<string, string>], RegExp]> = [
  ['the target exists', (dir, db) => (writeFileSync(join(dir, 'old.db'), 'keep me'), [[join(dir, 'old.db')], { DATABASE_PATH: db }]), /already exists/],
  ['there is no database', (dir) => [[join(dir, 'x.db')], { DATABASE_PATH: join(dir, 'none.db') }], /no database at .*none\.db \(DATABASE_PATH\)/],
  ['the database is :memory:', (dir) => [[join(dir, 'x.db')], { DATABASE_PATH: ':memory:' }], /:memory:/],
  ['a setting is bad', (dir, db) => [[join(dir, 'x.db')], { DATABASE_PATH: db, JWT_TTL: '-1' }], /JWT_TTL/],
];
for (const [name, setup, message] of refusals) {
  test(`backup refuses when ${name}: one line, exit status 1, nothing written`, async (t) => {
    const s = await startServer(t);
    const dir = tempDir(t);
    const [args, env] = setup(dir, s.config.databasePath);
    const before = readdirSync(dir).sort();
    const r = await runNode([BACKUP, ...args], { PATH: process.env.PATH ?? '', ...env });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
    assert.match(r.stderr, message);
    assert.deepEqual(readdirSync(dir).sort(), before);
    if (before.includes('old.db')) assert.equal(readFileSync(join(dir, 'old.db'), 'utf8'), 'keep me');
  });
}
