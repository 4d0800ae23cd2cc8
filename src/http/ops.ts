import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { Context } from './context.ts';
import { sendJson } from './context.ts';
import type { Deps } from './deps.ts';
import { OPENAPI } from './openapi.ts';

export function ops({ config, store }: Deps) {
  return {
    /** 200 when the database answers and the upload dir is writable, else 503 naming what fails. */
    async health(ctx: Context) {
      const failing: string[] = [];
      try {
        store.ping();
      } catch {
        failing.push('database');
      }
      try {
        await access(config.uploadDir, constants.W_OK);
      } catch {
        failing.push('uploads');
      }
      sendJson(ctx, failing.length === 0 ? 200 : 503, failing.length === 0 ? { status: 'ok' } : { status: 'error', failing });
    },

    openapi(ctx: Context) {
      sendJson(ctx, 200, OPENAPI);
    },
  };
}
