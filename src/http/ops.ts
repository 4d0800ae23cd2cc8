import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError } from '../log.ts';
import type { Context } from './context.ts';
import { sendJson } from './context.ts';
import type { Deps } from './deps.ts';
import { OPENAPI } from './openapi.ts';

/**
 * Creates and removes a file in `dir`, as an upload would. access(W_OK) is not enough: it
 * answers for permission bits only, which root ignores, so it can disagree with a real write.
 */
async function probeWrite(dir: string): Promise<void> {
  const probe = join(dir, `.health-${randomUUID()}`);
  await writeFile(probe, '', { flag: 'wx' });
  await rm(probe, { force: true });
}

export function ops({ config, store, log }: Deps) {
  return {
    /** 200 when the database answers and the upload dir is writable, else 503 naming what fails (the causes go to the log). */
    async health(ctx: Context) {
      const failing: string[] = [];
      const fail = (what: string, err: unknown) => {
        failing.push(what);
        log.warn('health check failing', { id: ctx.id, check: what, ...describeError(err, config.debug) });
      };
      try {
        store.ping();
      } catch (err) {
        fail('database', err);
      }
      await probeWrite(config.uploadDir).catch((err: unknown) => fail('uploads', err));
      sendJson(ctx, failing.length === 0 ? 200 : 503, failing.length === 0 ? { status: 'ok' } : { status: 'error', failing });
    },

    openapi(ctx: Context) {
      sendJson(ctx, 200, OPENAPI);
    },
  };
}
