import type { KeyObject } from 'node:crypto';
import { createTokenVerifier } from '../auth/index.ts';
import { DomainError } from '../errors.ts';
import type { Store } from '../store/index.ts';
import type { Context, Next } from './context.ts';
import { BEARER, HttpError } from './errors.ts';

/** How many users `requireUser` remembers before it starts over. */
const KNOWN_USERS = 10_000;

/**
 * Everything under /api/secure needs `Authorization: Bearer <jwt>` for a user that exists and
 * existed when the token was issued; checked before routing, so unknown secure paths are 401 too.
 */
export function requireUser(secret: KeyObject, store: Store, now: () => number) {
  const verifyToken = createTokenVerifier(secret);
  // Users are never deleted, so when a user was made never changes: the store is asked once per
  // user, not once per request.
  const createdAt = new Map<number, number>();
  return (ctx: Context, next: Next) => {
    if (!(ctx.path.startsWith('/api/secure/') || ctx.path === '/api/secure')) return next();
    const header = (ctx.req.headers.authorization ?? '').trim();
    const space = header.search(/\s/);
    const scheme = space === -1 ? header : header.slice(0, space);
    const token = space === -1 ? '' : header.slice(space + 1).trim();
    if (header === '' || (scheme.toLowerCase() === 'bearer' && token === '')) throw new HttpError(401, 'Missing Bearer token', BEARER);
    if (scheme.toLowerCase() !== 'bearer') throw new DomainError('InvalidToken');
    const { userId, iat } = verifyToken(token, Math.floor(now() / 1000));
    let made = createdAt.get(userId);
    if (made === undefined) {
      made = store.userCreatedAt(userId);
      if (made === undefined) throw new DomainError('InvalidToken');
      if (createdAt.size >= KNOWN_USERS) createdAt.clear();
      createdAt.set(userId, made);
    }
    // A token older than its user was issued to someone else with the same id (a database
    // restored from a backup, or made anew, under the same key).
    if (iat !== undefined && iat < made) throw new DomainError('InvalidToken');
    ctx.userId = userId;
    return next();
  };
}
