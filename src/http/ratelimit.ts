import type { Context, Next } from './context.ts';
import { HttpError } from './errors.ts';

export interface RateLimit { burst: number; perMinute: number; clients: number }

/**
 * Token bucket per client address: `burst` attempts at once, `perMinute` regained
 * (0 = no limit). At most `clients` addresses are tracked; the least recently seen is
 * forgotten first, so a flood of addresses cannot grow memory.
 */
export function rateLimit({ burst, perMinute, clients }: RateLimit, now: () => number) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = perMinute / 60_000;
  return (ctx: Context, next: Next) => {
    if (perMinute === 0) return next();
    const key = ctx.req.socket.remoteAddress ?? '';
    const t = now();
    const bucket = buckets.get(key) ?? { tokens: burst, at: t };
    buckets.delete(key); // re-inserted below, so Map order is least recently seen first
    buckets.set(key, bucket);
    if (buckets.size > clients) buckets.delete(buckets.keys().next().value!);
    bucket.tokens = Math.min(burst, bucket.tokens + (t - bucket.at) * perMs);
    bucket.at = t;
    if (bucket.tokens < 1) {
      const retry = Math.ceil((1 - bucket.tokens) / perMs / 1000);
      throw new HttpError(429, 'Too many requests', { 'Retry-After': String(retry) });
    }
    bucket.tokens -= 1;
    return next();
  };
}
