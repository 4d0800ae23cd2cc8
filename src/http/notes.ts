import type { Context } from './context.ts';
import { sendJson } from './context.ts';
import type { Deps } from './deps.ts';
import { HttpError } from './errors.ts';
import { readJson } from './body.ts';

const DIGITS = /^[0-9]{1,15}$/;
const invalidPage = () => new HttpError(400, 'Invalid pagination parameters');

/** One pagination value: absent or blank → fallback; plain digits → number; anything else (or repeated) → 400. */
function pageParam(query: URLSearchParams, key: string, fallback: number): number {
  const values = query.getAll(key);
  if (values.length > 1) throw invalidPage();
  const value = values[0];
  if (value === undefined || value === '') return fallback;
  if (!DIGITS.test(value)) throw invalidPage();
  return Number(value);
}

export function notes({ config, store }: Deps) {
  return {
    async add(ctx: Context) {
      const { content } = await readJson(ctx.req, config.maxBodyBytes);
      if (typeof content !== 'string' || content.trim() === '') throw new HttpError(400, 'Note content is required');
      if ([...content].length > 1000) throw new HttpError(400, 'Note content cannot exceed 1000 characters');
      let id: number;
      try {
        id = store.addNote(ctx.userId!, content);
      } catch (err) {
        throw new HttpError(500, 'Failed to add note', undefined, { cause: err });
      }
      sendJson(ctx, 200, { message: 'Note added', id });
    },

    list(ctx: Context) {
      const query = new URLSearchParams(ctx.query);
      const limit = pageParam(query, 'limit', 5);
      const offset = pageParam(query, 'offset', 0);
      if (limit < 1 || limit > 100) throw new HttpError(400, 'Limit must be between 1 and 100');
      let list;
      try {
        list = store.listNotes(ctx.userId!, limit, offset);
      } catch (err) {
        throw new HttpError(500, 'Failed to fetch notes', undefined, { cause: err });
      }
      sendJson(ctx, 200, { notes: list });
    },
  };
}
