import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPasswords } from '../../src/auth/index.ts';

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
