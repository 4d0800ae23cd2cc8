import type { Context, Middleware } from './context.ts';

/** Onion-style chain: each middleware runs until it awaits `next()`, then resumes after the rest. */
export function compose(middleware: readonly Middleware[]): (ctx: Context) => Promise<void> {
  return (ctx) => {
    let last = -1;
    const dispatch = async (i: number): Promise<void> => {
      if (i <= last) throw new Error('next() called more than once');
      last = i;
      const fn = middleware[i];
      if (fn) await fn(ctx, () => dispatch(i + 1));
    };
    return dispatch(0);
  };
}
