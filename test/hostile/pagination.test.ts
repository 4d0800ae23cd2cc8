// Pagination: only plain decimal digits are numbers; every other spelling is 400 before any range check.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearer, startServer } from '../helpers.ts';
import { assertError, assertIntact } from './expect.ts';

const INVALID = 'Invalid pagination parameters';

test('non-canonical numbers and repeated keys are 400 Invalid pagination parameters', async (t) => {
  const s = await startServer(t);
  const token = await s.signup('pager');
  await s.post('/api/secure/notes', { content: 'one' }, bearer(token));
  const values = [
    '-1', '-0', '+5', '5.0', '5.', '.5', '1e2', '1E2', '0x10', '0X1f', '0o7', '0b1', '%205', '5%20', '+5', '5+', '%2B5', '%09%35',
    '12abc', 'abc', 'Infinity', 'NaN', 'null', 'true', '1_000', '1,5', '%00', '5%00', '%EF%BC%95', '%D9%A5', '%zz', '%', '5%',
    '1234567890123456', '9007199254740993', '9223372036854775808', '18446744073709551616', '1'.repeat(400),
  ];
  const queries: string[] = [];
  for (const v of values) queries.push(`limit=${v}`, `offset=${v}`, `limit=5&offset=${v}`, `limit=${v}&offset=0`);
  queries.push('limit=5&limit=5', 'offset=0&offset=0', 'limit=&limit=5', 'limit=5&limit=', 'offset=&offset=', 'limit=0&offset=-1', 'limit=101&offset=1.5');
  const before = s.snapshot();
  for (const q of queries) assertError(await s.request(`/api/secure/notes?${q}`, { headers: bearer(token) }), 400, INVALID, q);
  for (const q of ['limit=0', 'limit=101', 'limit=000000000000000', 'limit=999999999999999', 'limit=0&offset=5']) {
    assertError(await s.request(`/api/secure/notes?${q}`, { headers: bearer(token) }), 400, 'Limit must be between 1 and 100', q);
  }
  const ok: Array<[string, number]> = [['limit=', 1], ['offset=', 1], ['limit=0005', 1], ['limit=1&offset=999999999999999', 0], ['limit=100&offset=00', 1], ['limit[]=-1', 1], ['LIMIT=-1', 1]];
  for (const [q, count] of ok) {
    const r = await s.request(`/api/secure/notes?${q}`, { headers: bearer(token) });
    assert.equal(r.status, 200, q);
    assert.equal(r.body.notes.length, count, q);
  }
  await assertIntact(s, before, 'pagination');
});
