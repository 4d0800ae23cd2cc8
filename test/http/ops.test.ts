import assert from 'node:assert/strict';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../src/store/index.ts';
import { startServer, tempDir } from '../helpers.ts';

test('GET /api/health: 200 ok, without authentication, and HEAD too', async (t) => {
  const s = await startServer(t);
  const r = await s.request('/api/health');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { status: 'ok' });
  const head = await fetch(`${s.url}/api/health`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
  assert.deepEqual(s.uploads(), [], 'the write probe is removed');
});

test('GET /api/health: 503 naming the database when it does not answer', async (t) => {
  const dir = tempDir(t);
  const real = openStore(join(dir, 'other.db'));
  t.after(() => real.close());
  const store = { ...real, ping: () => { throw new Error('disk I/O error'); } };
  const s = await startServer(t, {}, { store });
  const r = await s.request('/api/health');
  assert.equal(r.status, 503);
  assert.deepEqual(r.body, { status: 'error', failing: ['database'] });
  const line = s.logs().find((l) => l.msg === 'health check failing');
  assert.equal(line?.check, 'database');
  assert.equal(line?.error, 'disk I/O error');
});

test('GET /api/health: 503 naming the uploads when the upload dir is removed', async (t) => {
  const s = await startServer(t);
  rmSync(s.config.uploadDir, { recursive: true });
  const r = await s.request('/api/health');
  assert.equal(r.status, 503);
  assert.deepEqual(r.body, { status: 'error', failing: ['uploads'] });
  assert.equal(s.logs().find((l) => l.msg === 'health check failing')?.code, 'ENOENT');
});

// access(W_OK) passes on a writable regular file, so a check made of it alone said ok here.
test('regression: health said ok when the upload dir was replaced by a file, and the upload then never answered', async (t) => {
  const s = await startServer(t);
  const token = await s.signup();
  rmSync(s.config.uploadDir, { recursive: true });
  writeFileSync(s.config.uploadDir, '');
  assert.deepEqual((await s.request('/api/health')).body, { status: 'error', failing: ['uploads'] });
  assert.equal((await s.upload(token, 'a.txt', 'hello')).status, 500, 'and an upload does fail');
});

// As root, a mode of 0555 stops neither access(W_OK) nor a write; as another user it stops
// both. Either way health must report what an upload meets, so the two are compared.
test('GET /api/health agrees with a real upload when the upload dir is mode 0555', async (t) => {
  const s = await startServer(t);
  const token = await s.signup();
  chmodSync(s.config.uploadDir, 0o555);
  const health = await s.request('/api/health');
  const upload = await s.upload(token, 'a.txt', 'hello');
  chmodSync(s.config.uploadDir, 0o755);
  assert.equal(health.status === 200, upload.status === 200, `health ${health.status}, upload ${upload.status}`);
});
