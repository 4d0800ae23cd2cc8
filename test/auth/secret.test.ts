import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadSecret } from '../../src/auth/index.ts';

const mac = (key: Parameters<typeof createHmac>[1]) => createHmac('sha256', key).update('x').digest('hex');

test('unset JWT_SECRET: a 256-bit key is made once, kept with mode 0600, and reused', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'secret-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, 'app.db');
  const warnings: string[] = [];
  const first = loadSecret(undefined, db, (msg) => void warnings.push(msg));
  const second = loadSecret(undefined, db, (msg) => void warnings.push(msg));
  assert.match(readFileSync(`${db}.secret`, 'utf8'), /^[0-9a-f]{64}\n$/);
  assert.equal(statSync(`${db}.secret`).mode & 0o777, 0o600);
  assert.equal(mac(first), mac(second));
  assert.equal(warnings.length, 1);
});

test('regression: an empty or damaged secret file became a weak key instead of stopping start-up', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'secret-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, 'app.db');
  for (const content of ['', '\n', 'abc', 'zz'.repeat(32), 'ab'.repeat(16)]) {
    writeFileSync(`${db}.secret`, content);
    assert.throws(() => loadSecret(undefined, db, () => {}), /does not hold a 256-bit hex key/, JSON.stringify(content));
  }
});

test('a given JWT_SECRET is used as is; :memory: gets a key per process', () => {
  const given = 'x'.repeat(40);
  assert.equal(mac(loadSecret(given, 'unused.db', () => {})), mac(Buffer.from(given)));
  assert.notEqual(mac(loadSecret(undefined, ':memory:', () => {})), mac(loadSecret(undefined, ':memory:', () => {})));
});
