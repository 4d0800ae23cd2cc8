import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseEnv } from 'node:util';
import { ConfigError, VARIABLES, envExample, loadConfig } from '../src/config.ts';
import { MAIN, ROOT, childEnv, runNode, startServer, tempDir } from './helpers.ts';

const REGENERATE = `node -e "import('./src/config.ts').then((c) => process.stdout.write(c.envExample()))" > .env.example`;

test('.env.example lists every variable at its default', () => {
  const text = readFileSync(join(ROOT, '.env.example'), 'utf8');
  assert.equal(text, envExample(), `out of date; regenerate it with: ${REGENERATE}`);
  const parsed = parseEnv(text);
  assert.deepEqual(Object.keys(parsed).sort(), VARIABLES.map((v) => v.name).sort());
  assert.deepEqual(loadConfig(parsed), loadConfig({}), 'a .env copied from it changes nothing');
});

const bad: Array<[Record<string, string>, string, RegExp?]> = [
  [{ SERVER_PORT: 'abc' }, 'SERVER_PORT'],
  [{ SERVER_PORT: '65536' }, 'SERVER_PORT'],
  [{ JWT_TTL: '-1' }, 'JWT_TTL'],
  [{ JWT_TTL: '0' }, 'JWT_TTL'],
  [{ JWT_SECRET: 'too-short' }, 'JWT_SECRET', /openssl rand -hex 32/],
  [{ BCRYPT_COST: '99' }, 'BCRYPT_COST'],
  [{ BCRYPT_WORKERS: 'many' }, 'BCRYPT_WORKERS'],
  [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  [{ DEBUG: 'maybe' }, 'DEBUG'],
  [{ CORS_ORIGINS: ' , ' }, 'CORS_ORIGINS'],
  [{ DATABASE_PATH: '' }, 'DATABASE_PATH'],
];
for (const [env, name, extra] of bad) {
  test(`loadConfig: ${JSON.stringify(env)} is refused, naming ${name}`, () => {
    assert.throws(() => loadConfig(env), (err: Error) => err instanceof ConfigError && err.message.startsWith(name) && (!extra || extra.test(err.message)));
  });
}

for (const [env, name, extra] of bad.slice(0, 5)) {
  test(`start-up with ${JSON.stringify(env)} stops with one line naming ${name}, exit status 1`, async (t) => {
    const r = await runNode([MAIN], childEnv(tempDir(t), env));
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const lines = r.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, new RegExp(`^Configuration error: ${name} `));
    if (extra) assert.match(lines[0]!, extra);
  });
}

test('start-up with a database that cannot be opened stops with one log line, exit status 1', async (t) => {
  const dir = tempDir(t);
  const r = await runNode([MAIN], childEnv(dir, { DATABASE_PATH: join(dir, 'missing', 'app.db') }));
  assert.equal(r.code, 1);
  const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => [l.level, l.msg]), [['error', 'cannot start']]);
  assert.doesNotMatch(r.stderr, /at /, 'no stack trace');
});

test('BCRYPT_WORKERS empty (the default) means one per available core', () => {
  assert.ok(loadConfig({}).bcryptWorkers >= 1);
  assert.equal(loadConfig({ BCRYPT_WORKERS: '3' }).bcryptWorkers, 3);
});

const help: Array<[string, string, string[]]> = [
  ['node src/main.ts --help', process.execPath, [MAIN, '--help']],
  ['npm start -- --help', 'npm', ['start', '--silent', '--', '--help']],
];
for (const [name, command, args] of help) {
  test(`${name} prints every variable and its default, exit 0, without starting`, async (t) => {
    // Bad settings do not matter: --help is answered before they are read.
    const env = childEnv(tempDir(t), { SERVER_PORT: 'abc' });
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk));
    const code = await new Promise((done) => child.once('close', done));
    assert.equal(code, 0);
    for (const v of VARIABLES) {
      const line = stdout.split('\n').find((l) => l.trim().startsWith(`${v.name} `));
      assert.ok(line, `${v.name} is listed`);
      if (v.default) assert.ok(line.includes(`(default: ${v.default})`), line);
    }
  });
}

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

test('regression: REQUEST_TIMEOUT_MS below HEADERS_TIMEOUT_MS crashed createApp', async (t) => {
  const s = await startServer(t, { REQUEST_TIMEOUT_MS: '500', HEADERS_TIMEOUT_MS: '10000' });
  assert.equal((await s.request('/api/health')).status, 200);
});
