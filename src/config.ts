import { availableParallelism } from 'node:os';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Config {
  host: string;
  port: number;
  databasePath: string;
  uploadDir: string;
  /** Undefined means: generate one and keep it beside the database. */
  jwtSecret: string | undefined;
  jwtTtl: number;
  bcryptCost: number;
  bcryptWorkers: number;
  maxUploadBytes: number;
  maxBodyBytes: number;
  /** `'*'` or the exact origins allowed. */
  corsOrigins: '*' | string[];
  logLevel: LogLevel;
  debug: boolean;
  /** Login/register attempts per client address: bucket size, refill per minute (0 = off), table size. */
  rateLimitBurst: number;
  rateLimitPerMinute: number;
  rateLimitClients: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  idleTimeoutMs: number;
  shutdownTimeoutMs: number;
}

/** A bad environment value; the message names the variable. */
export class ConfigError extends Error {}

type Parse = (value: string, name: string) => unknown;

const integer = (min: number, max: number): Parse => (value, name) => {
  const n = /^[0-9]{1,15}$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
};
const text: Parse = (value, name) => {
  if (value === '') throw new ConfigError(`${name} must not be empty`);
  return value;
};
const oneOf = (...allowed: string[]): Parse => (value, name) => {
  const v = value.toLowerCase();
  if (!allowed.includes(v)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  return v;
};

/** Every variable the server reads: name, config key, default, parser, meaning. Also feeds --help and .env.example. */
export const VARIABLES: ReadonlyArray<{ name: string; key: keyof Config; default: string; parse: Parse; doc: string }> = [
  { name: 'SERVER_HOST', key: 'host', default: '0.0.0.0', parse: text, doc: 'listen address' },
  { name: 'SERVER_PORT', key: 'port', default: '8880', parse: integer(0, 65535), doc: 'listen port (0 = any free port)' },
  { name: 'DATABASE_PATH', key: 'databasePath', default: './app.db', parse: text, doc: 'SQLite file (:memory: allowed)' },
  { name: 'UPLOAD_DIR', key: 'uploadDir', default: './uploads', parse: text, doc: 'where uploads are stored' },
  { name: 'JWT_SECRET', key: 'jwtSecret', default: '', parse: secret, doc: 'HS256 key, at least 32 bytes (openssl rand -hex 32); empty = generated and kept in <DATABASE_PATH>.secret' },
  { name: 'JWT_TTL', key: 'jwtTtl', default: '3600', parse: integer(1, 31_536_000), doc: 'token lifetime in seconds' },
  { name: 'BCRYPT_COST', key: 'bcryptCost', default: '10', parse: integer(4, 15), doc: 'bcrypt cost factor' },
  { name: 'BCRYPT_WORKERS', key: 'bcryptWorkers', default: '', parse: workers, doc: 'bcrypt worker threads; empty = one per available core' },
  { name: 'MAX_UPLOAD_BYTES', key: 'maxUploadBytes', default: '10485760', parse: integer(1, 2 ** 40), doc: 'largest upload accepted, in bytes' },
  { name: 'MAX_BODY_BYTES', key: 'maxBodyBytes', default: '65536', parse: integer(1, 2 ** 30), doc: 'largest JSON body accepted, in bytes' },
  { name: 'CORS_ORIGINS', key: 'corsOrigins', default: '*', parse: origins, doc: '* or a comma-separated list of allowed origins' },
  { name: 'LOG_LEVEL', key: 'logLevel', default: 'info', parse: oneOf('debug', 'info', 'warn', 'error'), doc: 'debug, info, warn or error' },
  { name: 'DEBUG', key: 'debug', default: 'false', parse: flag, doc: 'true: more detail in logs (never in responses)' },
  { name: 'RATE_LIMIT_BURST', key: 'rateLimitBurst', default: '10', parse: integer(1, 1_000_000), doc: 'login/register attempts a client address may make at once' },
  { name: 'RATE_LIMIT_PER_MINUTE', key: 'rateLimitPerMinute', default: '10', parse: integer(0, 1_000_000), doc: 'attempts regained per minute (0 turns the limit off)' },
  { name: 'RATE_LIMIT_CLIENTS', key: 'rateLimitClients', default: '10000', parse: integer(1, 10_000_000), doc: 'client addresses tracked at most (oldest forgotten first)' },
  { name: 'HEADERS_TIMEOUT_MS', key: 'headersTimeoutMs', default: '10000', parse: integer(100, 3_600_000), doc: 'time a client has to send request headers' },
  { name: 'REQUEST_TIMEOUT_MS', key: 'requestTimeoutMs', default: '300000', parse: integer(100, 86_400_000), doc: 'time a client has to send a whole request' },
  { name: 'KEEP_ALIVE_TIMEOUT_MS', key: 'keepAliveTimeoutMs', default: '5000', parse: integer(0, 3_600_000), doc: 'idle keep-alive connections are closed after this' },
  { name: 'IDLE_TIMEOUT_MS', key: 'idleTimeoutMs', default: '60000', parse: integer(1000, 86_400_000), doc: 'a download whose client reads nothing for this long is cut off' },
  { name: 'SHUTDOWN_TIMEOUT_MS', key: 'shutdownTimeoutMs', default: '10000', parse: integer(0, 3_600_000), doc: 'on SIGTERM/SIGINT, how long in-flight requests may finish' },
];

function secret(value: string): string | undefined {
  if (value === '') return undefined;
  if (Buffer.byteLength(value) < 32) {
    throw new ConfigError('JWT_SECRET must be at least 32 bytes (RFC 7518 asks for 256 bits); make one with: openssl rand -hex 32');
  }
  return value;
}

function workers(value: string, name: string): unknown {
  // The default depends on the machine, so it is spelled as empty: .env.example stays portable.
  return value === '' ? availableParallelism() : integer(1, 64)(value, name);
}

function origins(value: string, name: string): '*' | string[] {
  if (value.trim() === '*') return '*';
  const list = value.split(',').map((o) => o.trim()).filter(Boolean);
  if (list.length === 0) throw new ConfigError(`${name} must be * or a comma-separated list of origins`);
  return list;
}

function flag(value: string, name: string): boolean {
  const v = value.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(v)) return false;
  throw new ConfigError(`${name} must be true or false, got "${value}"`);
}

/** Reads and validates the configuration; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const config: Record<string, unknown> = {};
  for (const v of VARIABLES) config[v.key] = v.parse(env[v.name] ?? v.default, v.name);
  return config as unknown as Config;
}

/** The --help text: every variable with its meaning and default. */
export function usage(): string {
  const lines = VARIABLES.map((v) => `  ${v.name.padEnd(22)} ${v.doc}${v.default ? ` (default: ${v.default})` : ''}`);
  return [
    'Usage: npm start            (or: node_modules/.bin/node src/main.ts)',
    '       npm start -- --help  this text',
    '',
    'Settings come from environment variables; npm start also reads them from a file .env',
    'in the project directory (a variable set in the environment wins). .env.example lists',
    'them all at their defaults.',
    '',
    ...lines,
    '',
  ].join('\n');
}

/** The text of .env.example: every variable, set to its default, under its meaning. */
export function envExample(): string {
  const header = [
    '# Every setting of the notes and files API, at its default. Copy this file to .env',
    '# (read by npm start and npm run backup) and change what you need; a variable set in',
    '# the environment wins over .env. Made from VARIABLES in src/config.ts; a test keeps it so.',
  ];
  return [...header, ...VARIABLES.flatMap((v) => ['', `# ${v.doc}`, `${v.name}=${v.default}`])].join('\n') + '\n';
}
