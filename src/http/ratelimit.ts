import type { Context, Next } from './context.ts';
import { HttpError } from './errors.ts';

export interface RateLimit { burst: number; perMinute: number; clients: number }

/**
 * Token bucket per key: `burst` attempts at once, `perMinute` regained. `take(key)` spends
 * one and returns 0, or returns the seconds until one is back. At most `clients` keys are
 * tracked; the least recently seen is forgotten first, so a flood of keys cannot grow memory.
 */
export function tokenBucket({ burst, perMinute, clients }: RateLimit, now: () => number) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = perMinute / 60_000;
  return {
    take(key: string): number {
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: burst, at: t };
      buckets.delete(key); // re-inserted below, so Map order is least recently seen first
      buckets.set(key, bucket);
      if (buckets.size > clients) buckets.delete(buckets.keys().next().value!);
      bucket.tokens = Math.min(burst, bucket.tokens + (t - bucket.at) * perMs);
      bucket.at = t;
      if (bucket.tokens < 1) return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
      bucket.tokens -= 1;
      return 0;
    },
    size: () => buckets.size,
  };
}

/** Middleware: 429 `Too many requests` with Retry-After once a client address has spent its bucket (perMinute 0 = off). */
export function rateLimit(limits: RateLimit, now: () => number) {
  const bucket = tokenBucket(limits, now);
  return (ctx: Context, next: Next) => {
    if (limits.perMinute === 0) return next();
    const retry = bucket.take(ctx.req.socket.remoteAddress ?? '');
    if (retry > 0) throw new HttpError(429, 'Too many requests', { 'Retry-After': String(retry) });
    return next();
  };
}
