import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tokenBucket } from '../../src/http/ratelimit.ts';

test('a bucket allows `burst` at once, then says when the next attempt is back', () => {
  let now = 0;
  const b = tokenBucket({ burst: 3, perMinute: 6, clients: 10 }, () => now);
  assert.deepEqual([b.take('a'), b.take('a'), b.take('a')], [0, 0, 0]);
  assert.equal(b.take('a'), 10, 'one attempt every 10 s');
  assert.equal(b.take('b'), 0, 'other addresses have their own bucket');
  now += 5_000;
  assert.equal(b.take('a'), 5);
  now += 5_000;
  assert.equal(b.take('a'), 0);
  now += 10 * 60_000;
  assert.deepEqual([b.take('a'), b.take('a'), b.take('a'), b.take('a') > 0], [0, 0, 0, true], 'refill stops at burst');
});

test('Retry-After is a whole number of seconds, at least 1', () => {
  let now = 0;
  const b = tokenBucket({ burst: 1, perMinute: 1_000_000, clients: 10 }, () => now);
  assert.equal(b.take('a'), 0);
  assert.equal(b.take('a'), 1);
  now += 1;
  assert.ok(Number.isInteger(b.take('a')));
});

test('a flood of addresses never tracks more than `clients`, forgetting the least recently seen', () => {
  let now = 0;
  const b = tokenBucket({ burst: 1, perMinute: 1, clients: 100 }, () => now);
  assert.equal(b.take('victim'), 0);
  assert.ok(b.take('victim') > 0);
  for (let i = 0; i < 50; i++) b.take(`10.0.${i >> 8}.${i & 255}`);
  assert.ok(b.take('victim') > 0, 'recently seen: still limited');
  for (let i = 0; i < 100_000; i++) {
    now += 1;
    b.take(`flood-${i}`);
    assert.ok(b.size() <= 100);
  }
  assert.equal(b.size(), 100);
  // Forgotten after the flood: a fresh bucket (the bound on memory costs this much precision).
  assert.equal(b.take('victim'), 0);
});
