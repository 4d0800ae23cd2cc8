import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.ts';
import { startServer } from './helpers.ts';

test('defaults are the contract table', () => {
  const c = loadConfig({});
  assert.equal(c.host, '0.0.0.0');
  assert.equal(c.port, 8880);
  assert.equal(c.databasePath, './app.db');
  assert.equal(c.uploadDir, './uploads');
  assert.equal(c.jwtSecret, undefined);
  assert.equal(c.jwtTtl, 3600);
  assert.equal(c.bcryptCost, 10);
  assert.equal(c.maxUploadBytes, 10 * 1024 * 1024);
  assert.equal(c.maxBodyBytes, 64 * 1024);
  assert.equal(c.corsOrigins, '*');
  assert.equal(c.logLevel, 'info');
  assert.equal(c.debug, false);
});

test('values are parsed: origins list, upper-case log level, flags', () => {
  const c = loadConfig({ CORS_ORIGINS: 'http://a.test, http://b.test', LOG_LEVEL: 'INFO', DEBUG: 'true', SERVER_PORT: '0', DATABASE_PATH: ':memory:' });
  assert.deepEqual(c.corsOrigins, ['http://a.test', 'http://b.test']);
  assert.equal(c.logLevel, 'info');
  assert.equal(c.debug, true);
  assert.equal(c.port, 0);
  assert.equal(c.databasePath, ':memory:');
});

test('bad values are refused with a message naming the variable', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ SERVER_PORT: 'abc' }, /^SERVER_PORT/],
    [{ SERVER_PORT: '70000' }, /^SERVER_PORT/],
    [{ SERVER_PORT: '-1' }, /^SERVER_PORT/],
    [{ JWT_TTL: '-1' }, /^JWT_TTL/],
    [{ JWT_TTL: '1.5' }, /^JWT_TTL/],
    [{ JWT_SECRET: 'short' }, /^JWT_SECRET.*openssl rand -hex 32/],
    [{ BCRYPT_COST: '3' }, /^BCRYPT_COST/],
    [{ MAX_UPLOAD_BYTES: '10MB' }, /^MAX_UPLOAD_BYTES/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL/],
    [{ DEBUG: 'maybe' }, /^DEBUG/],
    [{ CORS_ORIGINS: ' , ' }, /^CORS_ORIGINS/],
    [{ SERVER_HOST: '' }, /^SERVER_HOST/],
  ];
  for (const [env, message] of cases) assert.throws(() => loadConfig(env), (e) => e instanceof ConfigError && message.test(e.message), JSON.stringify(env));
});

test('regression: REQUEST_TIMEOUT_MS below HEADERS_TIMEOUT_MS crashed createApp', async (t) => {
  const s = await startServer(t, { REQUEST_TIMEOUT_MS: '500', HEADERS_TIMEOUT_MS: '10000' });
  assert.equal((await s.request('/api/health')).status, 200);
});
