import { MAX_PASSWORD_BYTES, createToken } from '../auth/index.ts';
import type { Context } from './context.ts';
import { sendJson } from './context.ts';
import type { Deps } from './deps.ts';
import { BEARER, HttpError } from './errors.ts';
import { readJson } from './body.ts';

const USERNAME = /^[A-Za-z0-9_-]+$/;
const ALNUM = /[A-Za-z0-9]/;

const bad = (message: string) => new HttpError(400, message);

/** Aborts when the client goes away before its answer, so its queued bcrypt job is dropped. */
function untilGone(ctx: Context): AbortSignal {
  const gone = new AbortController();
  ctx.res.once('close', () => gone.abort());
  return gone.signal;
}

/** Username and password as non-empty strings, or 400. */
function credentials(body: Record<string, unknown>): { username: string; password: string } {
  const { username, password } = body;
  if (typeof username !== 'string' || typeof password !== 'string' || username === '' || password === '') {
    throw bad('Username and password are required');
  }
  return { username, password };
}

export function accounts({ config, store, passwords, secret, now }: Deps) {
  return {
    async register(ctx: Context) {
      const { username, password } = credentials(await readJson(ctx.req, config.maxBodyBytes));
      const length = [...username].length;
      if (length < 3 || length > 50) throw bad('Username must be between 3 and 50 characters');
      if ([...password].length < 6) throw bad('Password must be at least 6 characters');
      if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) throw bad('Password must be at most 72 bytes');
      if (!USERNAME.test(username) || !ALNUM.test(username)) {
        throw bad('Username can only contain letters, numbers, hyphens, and underscores');
      }
      // Checked first to spare a bcrypt run; the UNIQUE index still settles races.
      if (store.findUser(username) !== undefined) throw new HttpError(409, 'Username already taken');
      store.createUser(username, await passwords.hash(password, untilGone(ctx)), Math.floor(now() / 1000));
      sendJson(ctx, 200, { message: 'User registered' });
    },

    async login(ctx: Context) {
      const { username, password } = credentials(await readJson(ctx.req, config.maxBodyBytes));
      const user = store.findUser(username);
      if (!(await passwords.verify(password, user?.password, untilGone(ctx)))) throw new HttpError(401, 'Invalid credentials', BEARER);
      sendJson(ctx, 200, { token: createToken(user!.id, secret, Math.floor(now() / 1000), config.jwtTtl) });
    },
  };
}
