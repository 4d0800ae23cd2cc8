import type { KeyObject } from 'node:crypto';
import { createTokenVerifier } from '../auth/index.ts';
import { DomainError } from '../errors.ts';
import type { Store } from '../store/index.ts';
import type { Context, Next } from './context.ts';
import { BEARER, HttpError } from './errors.ts';

/** How many user ids `requireUser` remembers as existing before it starts over. */
const KNOWN_USERS = 10_000;

/**
 * Everything under /api/secure needs `Authorization: Bearer <jwt>` for a user that
 * exists; checked before routing, so unknown secure paths are 401 too.
 */
export function requireUser(secret: KeyObject, store: Store, now: () => number) {
  const verifyToken = createTokenVerifier(secret);
  // Users are never deleted, so a user once found stays found: the store is asked once per user,
  // not once per request.
  const known = new Set<number>();
  return (ctx: Context, next: Next) => {
    if (!(ctx.path.startsWith('/api/secure/') || ctx.path === '/api/secure')) return next();
    const header = (ctx.req.headers.authorization ?? '').trim();
    const space = header.search(/\s/);
    const scheme = space === -1 ? header : header.slice(0, space);
    const token = space === -1 ? '' : header.slice(space + 1).trim();
    if (header === '' || (scheme.toLowerCase() === 'bearer' && token === '')) throw new HttpError(401, 'Missing Bearer token', BEARER);
    if (scheme.toLowerCase() !== 'bearer') throw new DomainError('InvalidToken');
    const userId = verifyToken(token, Math.floor(now() / 1000));
    if (!known.has(userId)) {
      if (!store.userExists(userId)) throw new DomainError('InvalidToken');
      if (known.size >= KNOWN_USERS) known.clear();
      known.add(userId);
    }
    ctx.userId = userId;
    return next();
  };
}
