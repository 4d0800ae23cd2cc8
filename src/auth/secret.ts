import { type KeyObject, createSecretKey, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { LogFn } from '../log.ts';

/**
 * The HS256 key: JWT_SECRET when given; else a random 256-bit key kept in
 * `<databasePath>.secret` (mode 0600), made on first start. With `:memory:` the key
 * lives only as long as the process, like the data it protects. A KeyObject, because
 * HMAC with one is several times cheaper per token than with a Buffer key.
 */
export function loadSecret(configured: string | undefined, databasePath: string, warn: LogFn): KeyObject {
  if (configured !== undefined) return createSecretKey(Buffer.from(configured));
  if (databasePath === ':memory:') {
    warn('JWT_SECRET is unset: using a random key for this process only');
    return createSecretKey(randomBytes(32));
  }
  const file = `${databasePath}.secret`;
  let kept: string | undefined;
  try {
    kept = readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (kept !== undefined) {
    // A damaged file must not quietly become a weak (or empty) key.
    if (!/^[0-9a-f]{64}$/.test(kept)) throw new Error(`${file} does not hold a 256-bit hex key: set JWT_SECRET, or remove the file to have a new key made (tokens made with the old one stop working)`);
    return createSecretKey(Buffer.from(kept, 'hex'));
  }
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  warn('JWT_SECRET is unset: generated a random key and kept it beside the database', { file });
  return createSecretKey(key);
}
