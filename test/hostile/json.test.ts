// JSON bodies: every malformed, mistyped or oversized body is the contract's 400/413, never a 5xx.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearer, startServer } from '../helpers.ts';
import { assertError, assertIntact } from './expect.ts';

const ACCOUNT_PATHS = ['/api/register', '/api/login'];

test('bodies that are not JSON, or not a non-empty object, are 400', async (t) => {
  const s = await startServer(t);
  const token = await s.signup('jsonowner');
  const cases: Array<[string, string]> = [
    ['{', 'Invalid JSON'],
    ['{"username":}', 'Invalid JSON'],
    ["{'username':'abc'}", 'Invalid JSON'],
    ['{"a":1,}', 'Invalid JSON'],
    ['{"a":1}x', 'Invalid JSON'],
    ['{"a":1}{"b":2}', 'Invalid JSON'],
    ['undefined', 'Invalid JSON'],
    ['NaN', 'Invalid JSON'],
    ['\uFEFF{"a":1}', 'Invalid JSON'],
    ['username=abc&password=secret1', 'Invalid JSON'],
    ['\u0000', 'Invalid JSON'],
    ['', 'JSON body required'],
    ['  \r\n\t ', 'JSON body required'],
    ['null', 'JSON body required'],
    ['[]', 'JSON body required'],
    ['[{"username":"abc","password":"secret1","content":"x"}]', 'JSON body required'],
    ['"{\\"username\\":\\"abc\\"}"', 'JSON body required'],
    ['0', 'JSON body required'],
    ['-1.5e3', 'JSON body required'],
    ['true', 'JSON body required'],
    ['false', 'JSON body required'],
    ['{}', 'JSON body required'],
    [' { } ', 'JSON body required'],
  ];
  const before = s.snapshot();
  for (const [body, message] of cases) {
    for (const path of [...ACCOUNT_PATHS, '/api/secure/notes']) {
      assertError(await s.post(path, body, bearer(token)), 400, message, `${path} ${JSON.stringify(body)}`);
    }
  }
  await assertIntact(s, before, 'not JSON');
});

test('fields of the wrong type, and prototype keys, are 400 and pollute nothing', async (t) => {
  const s = await startServer(t);
  const token = await s.signup('typeowner');
  const wrong: unknown[] = [1, 0, -1, 1.5, true, false, null, [], ['abcdef'], {}, { toString: 'abcdef' }];
  const cases: Array<[string, unknown, string]> = [];
  for (const v of wrong) {
    for (const path of ACCOUNT_PATHS) {
      cases.push([path, { username: v, password: 'secret1' }, 'Username and password are required']);
      cases.push([path, { username: 'abcdef', password: v }, 'Username and password are required']);
    }
    cases.push(['/api/secure/notes', { content: v }, 'Note content is required']);
  }
  const sneaky: Array<[string, string, string]> = [
    ['/api/register', '{"__proto__":{"username":"protouser","password":"secret1"}}', 'Username and password are required'],
    ['/api/login', '{"__proto__":{"username":"typeowner","password":"password123"}}', 'Username and password are required'],
    ['/api/register', '{"constructor":{"prototype":{"username":"protouser","password":"secret1"}}}', 'Username and password are required'],
    ['/api/secure/notes', '{"__proto__":{"content":"sneaky"}}', 'Note content is required'],
    ['/api/secure/notes', '{"constructor":{"prototype":{"content":"sneaky"}}}', 'Note content is required'],
    ['/api/register', '{"username":"protouser","__proto__":{"password":"secret1"}}', 'Username and password are required'],
  ];
  const before = s.snapshot();
  for (const [path, body, message] of cases) assertError(await s.post(path, body, bearer(token)), 400, message, `${path} ${JSON.stringify(body)}`);
  for (const [path, body, message] of sneaky) assertError(await s.post(path, body, bearer(token)), 400, message, `${path} ${body}`);
  assert.equal(({} as Record<string, unknown>).username, undefined, 'Object.prototype untouched');
  assert.equal(({} as Record<string, unknown>).content, undefined, 'Object.prototype untouched');
  await assertIntact(s, before, 'wrong types');
});

test('odd but legal Content-Type spellings are all read as JSON', async (t) => {
  const s = await startServer(t);
  const types = [
    'application/json', 'APPLICATION/JSON', 'application/json; charset=UTF-8', 'application/json;charset="utf-8"',
    'Application/Json ; Charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/vnd.api+json',
    'multipart/form-data; boundary=x', 'application/octet-stream',
  ];
  const before = s.snapshot();
  for (const type of types) {
    // A short username proves the body was parsed (the first check that needs the values) without creating anyone.
    const r = await s.request('/api/register', { method: 'POST', headers: { 'Content-Type': type }, body: '{"username":"ab","password":"secret1"}' });
    assertError(r, 400, 'Username must be between 3 and 50 characters', type);
  }
  const none = await s.raw('POST /api/register HTTP/1.1\r\nHost: x\r\nContent-Length: 38\r\n\r\n{"username":"ab","password":"secret1"}');
  assertError(none, 400, 'Username must be between 3 and 50 characters', 'no Content-Type');
  await assertIntact(s, before, 'content types');
});

/** `{"username":"ab","password":"secret1"}` padded with spaces to `size` bytes. */
const padded = (size: number) => {
  const body = '{"username":"ab","password":"secret1"}';
  return body.slice(0, -1) + ' '.repeat(size - body.length) + '}';
};

/** A chunked request carrying `body` in chunks of `size`. */
const chunked = (path: string, body: string, size = 8192, extra = '') => {
  let out = `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n${extra}\r\n`;
  for (let i = 0; i < body.length; i += size) {
    const part = body.slice(i, i + size);
    out += `${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`;
  }
  return out + '0\r\n\r\n';
};

test('bodies over the cap are 413, with and without Content-Length; exactly the cap is read', async (t) => {
  for (const [env, cap] of [[{}, 64 * 1024], [{ MAX_BODY_BYTES: '1000' }, 1000]] as const) {
    await t.test(`cap ${cap}`, async (t) => {
      const s = await startServer(t, env);
      const token = await s.signup();
      const before = s.snapshot();
      for (const path of [...ACCOUNT_PATHS, '/api/secure/notes']) {
        const auth = `Authorization: Bearer ${token}\r\n`;
        const head = (length: number) => `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${auth}Content-Length: ${length}\r\n\r\n`;
        // Declared too large: refused before a byte of the body is sent.
        assertError(await s.raw(head(cap + 1)), 413, 'Request body too large', `${path} declared cap+1`);
        assertError(await s.raw(head(2 ** 53 + 2)), 413, 'Request body too large', `${path} declared 2^53+2`);
        assertError(await s.raw(head(cap + 1) + padded(cap + 1)), 413, 'Request body too large', `${path} cap+1 sent`);
        // No Content-Length: counted while reading.
        assertError(await s.raw(chunked(path, padded(cap + 1), 1000, auth)), 413, 'Request body too large', `${path} chunked cap+1`);
        assertError(await s.raw(chunked(path, padded(cap * 4), 4096, auth)), 413, 'Request body too large', `${path} chunked 4x cap`);
      }
      // Exactly the cap is read and validated, with and without Content-Length.
      const at = await s.raw(`POST /api/register HTTP/1.1\r\nHost: x\r\nContent-Length: ${cap}\r\n\r\n${padded(cap)}`);
      assertError(at, 400, 'Username must be between 3 and 50 characters', 'exactly the cap');
      assertError(await s.raw(chunked('/api/register', padded(cap), 700)), 400, 'Username must be between 3 and 50 characters', 'chunked, exactly the cap');
      await assertIntact(s, before, `cap ${cap}`);
    });
  }
});
