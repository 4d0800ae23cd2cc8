import { type KeyObject, createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../errors.ts';

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const SEGMENT = /^[A-Za-z0-9_-]+$/;
/** Longer tokens are refused before any decoding; ours are about 150 characters. */
const MAX_TOKEN_LENGTH = 4096;

const invalid = () => new DomainError('InvalidToken');
const sign = (input: string, secret: KeyObject) => createHmac('sha256', secret).update(input).digest();

/** An HS256 JWT for `userId`, issued at `nowSeconds`, living `ttl` seconds. */
export function createToken(userId: number, secret: KeyObject, nowSeconds: number, ttl: number): string {
  const payload = Buffer.from(JSON.stringify({ user_id: userId, iat: nowSeconds, exp: nowSeconds + ttl })).toString('base64url');
  const input = `${HEADER}.${payload}`;
  return `${input}.${sign(input, secret).toString('base64url')}`;
}

/** Canonical base64url only: no padding, no other alphabet, no stray bits in the last character. */
function decodeSegment(segment: string): Buffer {
  if (!SEGMENT.test(segment)) throw invalid();
  const bytes = Buffer.from(segment, 'base64url');
  if (bytes.toString('base64url') !== segment) throw invalid();
  return bytes;
}

function decodeObject(segment: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(decodeSegment(segment).toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid();
  return value as Record<string, unknown>;
}

/** What a token that passed the signature and shape checks says; times are checked on each use. */
interface Claims { userId: number; iat: number | undefined; exp: number; nbf: number | undefined }

/** Signature and shape: everything about a token that cannot change with the clock. */
function readToken(token: string, secret: KeyObject): Claims {
  if (token.length > MAX_TOKEN_LENGTH) throw invalid();
  const parts = token.split('.');
  if (parts.length !== 3) throw invalid();
  const [header, payload, signature] = parts as [string, string, string];
  const head = decodeObject(header);
  if (head.alg !== 'HS256' || 'crit' in head) throw invalid();
  const given = decodeSegment(signature);
  const expected = sign(`${header}.${payload}`, secret);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  const { user_id: userId, iat, exp, nbf } = decodeObject(payload);
  if (!Number.isSafeInteger(userId) || (userId as number) < 1) throw invalid();
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw invalid();
  if (nbf !== undefined && typeof nbf !== 'number') throw invalid();
  if (iat !== undefined && typeof iat !== 'number') throw invalid();
  return { userId: userId as number, iat, exp, nbf };
}

function checkTimes(claims: Claims, nowSeconds: number): Claims {
  if (claims.exp <= nowSeconds) throw invalid();
  if (claims.nbf !== undefined && !(claims.nbf <= nowSeconds)) throw invalid();
  return claims;
}

/**
 * The user id of a valid token, else DomainError('InvalidToken'). The algorithm is the
 * server's (RFC 8725 §3.1): the header must say HS256, the signature is compared in
 * constant time, and `exp` (required) and `nbf` (if present) are checked against `nowSeconds`.
 */
export function verifyToken(token: string, secret: KeyObject, nowSeconds: number): number {
  return checkTimes(readToken(token, secret), nowSeconds).userId;
}

/**
 * verifyToken, answering the user id and when the token was issued (`iat`, if it says), that remembers the last `size` tokens it accepted, so a client's next
 * requests skip the HMAC, base64 and JSON work (about a third of an authenticated
 * request's CPU); `exp` and `nbf` are still checked every time. Only tokens this server
 * signed get remembered, so made-up tokens cannot crowd out real ones.
 */
export function createTokenVerifier(secret: KeyObject, size = 10_000): (token: string, nowSeconds: number) => { userId: number; iat: number | undefined } {
  const accepted = new Map<string, Claims>();
  return (token, nowSeconds) => {
    let claims = accepted.get(token);
    if (claims === undefined) {
      claims = readToken(token, secret);
      if (accepted.size >= size) accepted.delete(accepted.keys().next().value!);
      accepted.set(token, claims);
    }
    return checkTimes(claims, nowSeconds);
  };
}
