import assert from 'node:assert/strict';
import { createSecretKey } from 'node:crypto';
import { test } from 'node:test';
import { createToken, createTokenVerifier, verifyToken } from '../../src/auth/index.ts';

const secret = createSecretKey(Buffer.alloc(32, 7));
const other = createSecretKey(Buffer.alloc(32, 8));
const T = 1_800_000_000;

test('remembered tokens still expire', () => {
  const verify = createTokenVerifier(secret);
  const token = createToken(42, secret, T, 60);
  assert.equal(verify(token, T), 42);
  assert.equal(verify(token, T + 59), 42);
  assert.throws(() => verify(token, T + 60), { code: 'InvalidToken' });
});

test('the verifier accepts and refuses exactly what verifyToken does', () => {
  const verify = createTokenVerifier(secret, 2);
  const good = createToken(7, secret, T, 3600);
  const [h, p, s] = good.split('.') as [string, string, string];
  const cases: Array<[string, string]> = [
    ['valid', good],
    ['signed with another key', createToken(7, other, T, 3600)],
    ['tampered payload', `${h}.${Buffer.from('{"user_id":8,"exp":1900000000}').toString('base64url')}.${s}`],
    ['two segments', `${h}.${p}`],
    ['junk', 'not-a-token'],
  ];
  for (const [name, token] of cases) {
    for (let round = 0; round < 2; round++) {
      let expected: number | string;
      try {
        expected = verifyToken(token, secret, T);
      } catch (err) {
        expected = (err as { code: string }).code;
      }
      let got: number | string;
      try {
        got = verify(token, T);
      } catch (err) {
        got = (err as { code: string }).code;
      }
      assert.equal(got, expected, `${name}, round ${round}`);
    }
  }
  assert.equal(verifyToken(good, secret, T), 7);
});

test('the verifier forgets the oldest token past its size, and still accepts it again', () => {
  const verify = createTokenVerifier(secret, 1);
  const a = createToken(1, secret, T, 3600);
  const b = createToken(2, secret, T, 3600);
  assert.equal(verify(a, T), 1);
  assert.equal(verify(b, T), 2);
  assert.equal(verify(a, T), 1);
});
