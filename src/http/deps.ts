import type { KeyObject } from 'node:crypto';
import type { Passwords } from '../auth/index.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/index.ts';

/** What the handlers are given: everything that varies between a test and production. */
export interface Deps {
  config: Config;
  store: Store;
  passwords: Passwords;
  secret: KeyObject;
  log: Logger;
  /** Milliseconds since the epoch. */
  now: () => number;
}
