// RFC 8725: a token is accepted only in the one shape the server makes; every other one is 401 Invalid token.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { SECRET, bearer, startServer } from '../helpers.ts';
import { assertClientError, assertError, assertIntact, claims } from './expect.ts';

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const mac = (input: string, key: string | Buffer = SECRET) => createHmac('sha256', key).update(input).digest('base64url');
/** A token signed by hand: segments given as values (JSON-encoded) or as raw strings already encoded. */
const jwt = (header: unknown, payload: unknown, key: string | Buffer = SECRET) => {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${mac(input, key)}`;
};
const HS = { alg: 'HS256', typ: 'JWT' };

/** The same bytes as `segment` in a spelling that is not canonical (a stray low bit in the last character). */
function strayBits(segment: string): string {
  const bytes = Buffer.from(segment, 'base64url');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  for (const c of alphabet) {
    const other = segment.slice(0, -1) + c;
    if (other !== segment && Buffer.from(other, 'base64url').equals(bytes)) return other;
  }
  throw new Error('segment has no stray bits');
}

test('tokens in any shape but ours are 401 Invalid token, and nothing changes', async (t) => {
  const s = await startServer(t);
  const good = await s.signup('tokenowner');
  const now = Math.floor(Date.now() / 1000);
  const p = { user_id: claims(good).user_id, iat: now, exp: now + 600 };
  const [h, body, sig] = good.split('.') as [string, string, string];

  const cases: Array<[string, string]> = [
    // the algorithm is the server's, in exactly one spelling
    ['alg none, empty signature', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(p)}.`],
    ['alg none, signed anyway', jwt({ alg: 'none' }, p)],
    ['alg None', jwt({ alg: 'None' }, p)],
    ['alg NONE', jwt({ alg: 'NONE' }, p)],
    ['alg hs256', jwt({ alg: 'hs256' }, p)],
    ['alg Hs256', jwt({ alg: 'Hs256' }, p)],
    ['alg "HS256 "', jwt({ alg: 'HS256 ' }, p)],
    ['alg HS384', jwt({ alg: 'HS384' }, p)],
    ['alg HS512', jwt({ alg: 'HS512' }, p)],
    ['alg RS256', jwt({ alg: 'RS256' }, p)],
    ['alg missing', jwt({ typ: 'JWT' }, p)],
    ['alg null', jwt({ alg: null }, p)],
    ['alg as array', jwt({ alg: ['HS256'] }, p)],
    ['crit header', jwt({ ...HS, crit: ['exp'] }, p)],
    // segment count
    ['empty-looking token', '..'],
    ['two segments', `${h}.${body}`],
    ['four segments', `${good}.${sig}`],
    ['five segments', `${good}..`],
    ['one segment', h],
    // canonical base64url only
    ['padding on the payload', `${h}.${body}=.${sig}`],
    ['padding on the signature', `${good}=`],
    ['base64 + and /', `${h}.${body}.${sig.replaceAll('-', '+').replaceAll('_', '/')}${sig.includes('-') || sig.includes('_') ? '' : '+'}`],
    ['junk character', `${h}.${body}*.${sig}`],
    ['percent-encoded dot', `${h}%2E${body}.${sig}`],
    ['stray bits in the signature', `${h}.${body}.${strayBits(sig)}`],
    ['signature cut short', `${h}.${body}.${sig.slice(0, -2)}`],
    // header and payload must be JSON objects
    ['header is a string', jwt('"HS256"', p)],
    ['header is an array', jwt([HS], p)],
    ['header is null', jwt(null, p)],
    ['header is not JSON', jwt('{alg:HS256}', p)],
    ['payload is a number', jwt(HS, 1)],
    ['payload is an array', jwt(HS, [p])],
    ['payload is a string', jwt(HS, JSON.stringify(JSON.stringify(p)))],
    ['payload is not JSON', jwt(HS, 'user_id=1')],
    // claims of the wrong type or value
    ['user_id as string', jwt(HS, { ...p, user_id: String(p.user_id) })],
    ['user_id fractional', jwt(HS, { ...p, user_id: p.user_id + 0.5 })],
    ['user_id zero', jwt(HS, { ...p, user_id: 0 })],
    ['user_id negative', jwt(HS, { ...p, user_id: -1 })],
    ['user_id null', jwt(HS, { ...p, user_id: null })],
    ['user_id array', jwt(HS, { ...p, user_id: [p.user_id] })],
    ['user_id beyond 2^53', jwt(HS, `{"user_id":9007199254740993,"exp":${p.exp}}`)],
    ['user_id of nobody', jwt(HS, { ...p, user_id: 999 })],
    ['user_id missing', jwt(HS, { exp: p.exp })],
    ['exp as string', jwt(HS, { ...p, exp: String(p.exp) })],
    ['exp null', jwt(HS, { ...p, exp: null })],
    ['exp missing', jwt(HS, { user_id: p.user_id })],
    ['exp overflowing to Infinity', jwt(HS, `{"user_id":${p.user_id},"exp":1e400}`)],
    ['expired', jwt(HS, { ...p, iat: now - 7200, exp: now - 3600 })],
    ['nbf in the future', jwt(HS, { ...p, nbf: now + 3600 })],
    // the key
    ['signed with another key', jwt(HS, p, 'another-secret-another-secret-0123456789')],
    ['signed with an empty key', jwt(HS, p, '')],
    ['signature of another token', `${h}.${b64({ ...p, user_id: 2 })}.${sig}`],
    ['very long token', `${h}.${'A'.repeat(6000)}.${sig}`],
  ];
  const before = s.snapshot();
  for (const [label, token] of cases) {
    for (const path of ['/api/secure/notes', '/api/secure/no-such-path']) {
      const r = await s.request(path, { headers: bearer(token) });
      assertError(r, 401, 'Invalid token', label);
      assert.equal(r.headers.get('www-authenticate'), 'Bearer', label);
    }
  }
  assert.equal((await s.request('/api/secure/notes', { headers: bearer(good) })).status, 200, 'the real token still works');
  await assertIntact(s, before, 'tokens');
});

test('other schemes and malformed Authorization headers are 401, never 5xx', async (t) => {
  const s = await startServer(t);
  const good = await s.signup('schemes');
  const cases: Array<[string, string, string]> = [
    ['Basic scheme', 'Basic dXNlcjpwYXNzd29yZA==', 'Invalid token'],
    ['Token scheme with a real token', `Token ${good}`, 'Invalid token'],
    ['scheme glued to the token', `Bearer${good}`, 'Invalid token'],
    ['token then junk', `Bearer ${good} extra`, 'Invalid token'],
    ['two tokens with a comma', `Bearer ${good}, Bearer ${good}`, 'Invalid token'],
    ['Bearer alone', 'Bearer', 'Missing Bearer token'],
    ['Bearer and spaces', 'Bearer    ', 'Missing Bearer token'],
    ['blank header', '   ', 'Missing Bearer token'],
  ];
  const before = s.snapshot();
  for (const [label, value, message] of cases) {
    const r = await s.request('/api/secure/notes', { headers: { Authorization: value } });
    assertError(r, 401, message, label);
    assert.equal(r.headers.get('www-authenticate'), 'Bearer', label);
  }
  for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
    assert.equal((await s.request('/api/secure/notes', { headers: { Authorization: `${scheme} ${good}` } })).status, 200, scheme);
  }
  // Header values fetch will not send: control characters, and a header past Node's 16 KiB limit (431).
  for (const [label, value] of [['NUL in the token', `Bearer ${good}\0`], ['non-ASCII bytes', `Bearer ${good}\u00ff`], ['oversized header', `Bearer ${'a'.repeat(20_000)}`]]) {
    const r = await s.raw(Buffer.from(`GET /api/secure/notes HTTP/1.1\r\nHost: x\r\nAuthorization: ${value}\r\nConnection: close\r\n\r\n`, 'latin1'));
    assertClientError(r, label!);
  }
  await assertIntact(s, before, 'schemes');
});
