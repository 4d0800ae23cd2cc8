// npm run backup [-- <file>]: a consistent copy of the database, taken while the server runs.
// Without <file>: backup-<UTC timestamp>.db in the working directory. Never overwrites.
import { existsSync } from 'node:fs';
import { link, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from './config.ts';
import { copyDatabase } from './store/index.ts';

const fail = (message: string) => {
  console.error(`Backup failed: ${message}`);
  process.exit(1);
};

let databasePath = '';
try {
  databasePath = loadConfig().databasePath;
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  fail(err.message);
}
const stamp = new Date().toISOString().slice(0, 19).replaceAll(':', '-');
const target = resolve(process.argv[2] ?? `backup-${stamp}Z.db`);

if (databasePath === ':memory:') fail('DATABASE_PATH is :memory:, there is no file to copy');
if (!existsSync(databasePath)) fail(`no database at ${resolve(databasePath)} (DATABASE_PATH)`);
if (existsSync(target)) fail(`${target} already exists; give another file name`);

// The copy holds every password hash: only its owner may read it (as the .secret file).
process.umask(0o077);
// Written under a temporary name and linked into place when whole, so a backup file is never
// half a copy; link (unlike rename) fails if the name was taken meanwhile.
const part = `${target}.part`;
try {
  const pages = await copyDatabase(databasePath, part);
  await link(part, target);
  await rm(part);
  console.log(`Backed up ${resolve(databasePath)} to ${target} (${pages} pages)`);
} catch (err) {
  await rm(part, { force: true });
  fail((err as Error).message);
}
