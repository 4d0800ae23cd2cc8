import assert from 'node:assert/strict';
import { createHmac, createSecretKey } from 'node:crypto';
import { test } from 'node:test';
import * as jose from 'jose';
import { createToken, createTokenVerifier, verifyToken } from '../../src/auth/index.ts';
import { DomainError } from '../../src/errors.ts';

const secret = createSecretKey(Buffer.from('a-very-long-test-secret-of-32+-bytes!!'));
const other = createSecretKey(Buffer.from('another-long-test-secret-of-32+-bytes!'));
const now = 1_800_000_000;

const isInvalid = (err: unknown) => err instanceof DomainError && err.code === 'InvalidToken';

test('our token carries user_id, iat and exp and verifies', () => {
  const token = createToken(7, secret, now, 3600);
  const [header, payload] = token.split('.').slice(0, 2).map((s) => JSON.parse(Buffer.from(s, 'base64url').toString()));
  assert.deepEqual(header, { alg: 'HS256', typ: 'JWT' });
  assert.deepEqual(payload, { user_id: 7, iat: now, exp: now + 3600 });
  assert.equal(verifyToken(token, secret, now), 7);
});

test('expired tokens are refused: exp is the first second no longer valid', () => {
  const token = createToken(7, secret, now, 60);
  assert.equal(verifyToken(token, secret, now + 59), 7);
  assert.throws(() => verifyToken(token, secret, now + 60), isInvalid);
});

test('jose verifies our tokens', async () => {
  const token = createToken(42, secret, Math.floor(Date.now() / 1000), 60);
  const { payload, protectedHeader } = await jose.jwtVerify(token, secret, { algorithms: ['HS256'] });
  assert.equal(payload.user_id, 42);
  assert.equal(protectedHeader.alg, 'HS256');
});

test('jose rejects what we reject: wrong key, expired', async () => {
  const t = Math.floor(Date.now() / 1000);
  await assert.rejects(jose.jwtVerify(createToken(1, other, t, 60), secret));
  await assert.rejects(jose.jwtVerify(createToken(1, secret, t - 120, 60), secret), { code: 'ERR_JWT_EXPIRED' });
});

test("we verify jose's tokens", async () => {
  const t = Math.floor(Date.now() / 1000);
  const token = await new jose.SignJWT({ user_id: 5 }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(t).setExpirationTime(t + 60).sign(secret);
  assert.equal(verifyToken(token, secret, t), 5);
});

test("we reject the jose tokens jose rejects: wrong key, alg none, expired", async () => {
  const t = Math.floor(Date.now() / 1000);
  const wrongKey = await new jose.SignJWT({ user_id: 5 }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(t + 60).sign(other);
  const expired = await new jose.SignJWT({ user_id: 5 }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(t - 1).sign(secret);
  const none = new jose.UnsecuredJWT({ user_id: 5 }).setExpirationTime(t + 60).encode();
  const hs512 = await new jose.SignJWT({ user_id: 5 }).setProtectedHeader({ alg: 'HS512' }).setExpirationTime(t + 60).sign(new Uint8Array(64).fill(1));
  for (const [name, token, key] of [['wrong key', wrongKey, secret], ['expired', expired, secret], ['alg none', none, secret], ['HS512', hs512, createSecretKey(Buffer.alloc(64, 1))]] as const) {
    await assert.rejects(jose.jwtVerify(token, key, { algorithms: ['HS256'] }), `jose accepts ${name}`);
    assert.throws(() => verifyToken(token, key, t), isInvalid, `we accept ${name}`);
  }
});

test('hand-made tokens missing what the server requires are refused', () => {
  const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
  const make = (header: unknown, payload: unknown) => {
    const input = `${b64(header)}.${b64(payload)}`;
    return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
  };
  const h = { alg: 'HS256', typ: 'JWT' };
  const cases: Array<[string, string]> = [
    ['no exp', make(h, { user_id: 1 })],
    ['string user_id', make(h, { user_id: '1', exp: now + 60 })],
    ['fractional user_id', make(h, { user_id: 1.5, exp: now + 60 })],
    ['string exp', make(h, { user_id: 1, exp: String(now + 60) })],
    ['nbf in the future', make(h, { user_id: 1, exp: now + 60, nbf: now + 30 })],
    ['alg hs256 (case)', make({ alg: 'hs256' }, { user_id: 1, exp: now + 60 })],
    ['crit header', make({ alg: 'HS256', crit: ['x'], x: 1 }, { user_id: 1, exp: now + 60 })],
    ['array payload', make(h, [1])],
    ['padded signature', `${createToken(1, secret, now, 60)}=`],
  ];
  for (const [name, token] of cases) assert.throws(() => verifyToken(token, secret, now), isInvalid, name);
  assert.equal(verifyToken(make(h, { user_id: 1, exp: now + 60 }), secret, now), 1);
});

// The remembering verifier (a cache of tokens this server signed and already checked).
const key = createSecretKey(Buffer.alloc(32, 7));
const otherKey = createSecretKey(Buffer.alloc(32, 8));
const T = 1_800_000_000;

test('remembered tokens still expire', () => {
  const verify = createTokenVerifier(key);
  const token = createToken(42, key, T, 60);
  assert.equal(verify(token, T).userId, 42);
  assert.equal(verify(token, T + 59).userId, 42);
  assert.throws(() => verify(token, T + 60).userId, { code: 'InvalidToken' });
});

test('the verifier accepts and refuses exactly what verifyToken does', () => {
  const verify = createTokenVerifier(key, 2);
  const good = createToken(7, key, T, 3600);
  const [h, p, s] = good.split('.') as [string, string, string];
  const cases: Array<[string, string]> = [
    ['valid', good],
    ['signed with another key', createToken(7, otherKey, T, 3600)],
    ['tampered payload', `${h}.${Buffer.from('{"user_id":8,"exp":1900000000}').toString('base64url')}.${s}`],
    ['two segments', `${h}.${p}`],
    ['junk', 'not-a-token'],
  ];
  for (const [name, token] of cases) {
    for (let round = 0; round < 2; round++) {
      let expected: number | string;
      try {
        expected = verifyToken(token, key, T);
      } catch (err) {
        expected = (err as { code: string }).code;
      }
      let got: number | string;
      try {
        got = verify(token, T).userId;
      } catch (err) {
        got = (err as { code: string }).code;
      }
      assert.equal(got, expected, `${name}, round ${round}`);
    }
  }
  assert.equal(verifyToken(good, key, T), 7);
});

test('the verifier forgets the oldest token past its size, and still accepts it again', () => {
  const verify = createTokenVerifier(key, 1);
  const a = createToken(1, key, T, 3600);
  const b = createToken(2, key, T, 3600);
  assert.equal(verify(a, T).userId, 1);
  assert.equal(verify(b, T).userId, 2);
  assert.equal(verify(a, T).userId, 1);
});
