import assert from 'node:assert/strict';
import { test } from 'node:test';
import bcrypt from 'bcryptjs';
import { createPasswords } from '../../src/auth/index.ts';

test('the worker pool hashes with the configured cost, and verifies', async (t) => {
  const passwords = createPasswords(5, 2);
  t.after(() => passwords.close());
  const hash = await passwords.hash('correct horse');
  assert.match(hash, /^\$2[aby]\$05\$/);
  assert.equal(bcrypt.compareSync('correct horse', hash), true);
  assert.equal(await passwords.verify('correct horse', hash), true);
  assert.equal(await passwords.verify('wrong horse', hash), false);
});

test('an unknown user (no hash) never verifies, whatever the password', async (t) => {
  const passwords = createPasswords(4, 1);
  t.after(() => passwords.close());
  assert.equal(await passwords.verify('dummy password for unknown users', undefined), false);
  assert.equal(await passwords.verify('anything', undefined), false);
});

test('many jobs at once on a small pool all complete', async (t) => {
  const passwords = createPasswords(4, 2);
  t.after(() => passwords.close());
  const hashes = await Promise.all(Array.from({ length: 12 }, (_, i) => passwords.hash(`pw${i}`)));
  const checks = await Promise.all(hashes.map((h, i) => passwords.verify(`pw${i}`, h)));
  assert.deepEqual(checks, Array(12).fill(true));
});

test('a password with NUL and control characters round-trips, and differs from its prefix', async (t) => {
  const passwords = createPasswords(4, 1);
  t.after(() => passwords.close());
  const hash = await passwords.hash('abc\u0000def\u0007');
  assert.equal(await passwords.verify('abc\u0000def\u0007', hash), true);
  assert.equal(await passwords.verify('abc', hash), false);
});

test('verify: the right password, a wrong one, and an unknown user', async (t) => {
  const passwords = createPasswords(4, 1);
  t.after(() => passwords.close());
  const stored = await passwords.hash('password123');
  const cases: Array<[string, string | undefined, boolean]> = [
    ['password123', stored, true],
    ['password124', stored, false],
    ['password123', undefined, false],
    ['', undefined, false],
  ];
  for (const [password, hash, expected] of cases) assert.equal(await passwords.verify(password, hash), expected);
});

test('regression: bcrypt jobs of clients that had gone still ran, delaying everyone behind them', async (t) => {
  const passwords = createPasswords(4, 1);
  t.after(() => passwords.close());
  const stored = await passwords.hash('password123');
  const gone = new AbortController();
  const first = passwords.verify('password123', stored);
  const dropped = Promise.allSettled(Array.from({ length: 5 }, () => passwords.verify('password123', stored, gone.signal)));
  gone.abort();
  const kept = passwords.verify('password123', stored, new AbortController().signal);
  assert.equal(await first, true);
  for (const job of await dropped) {
    assert.equal(job.status, 'rejected');
    assert.equal((job as PromiseRejectedResult).reason.code, 'ClientAborted');
  }
  assert.equal(await kept, true);
});
