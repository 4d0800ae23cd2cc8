import type { Context, Handler } from './context.ts';
import { HttpError } from './errors.ts';

export interface Route {
  method: string;
  path: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

/** `/a/:name` captures one segment, a final `/*` captures the rest (as key `*`). */
export function compile(path: string): { pattern: RegExp; keys: string[] } {
  const keys: string[] = [];
  const source = path.split('/').map((segment) => {
    if (segment === '*') return keys.push('*'), '(.+)';
    if (segment.startsWith(':')) return keys.push(segment.slice(1)), '([^/]+)';
    return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return { pattern: new RegExp(`^${source.join('/')}$`), keys };
}

export function route(method: string, path: string, handler: Handler): Route {
  return { method, path, handler, ...compile(path) };
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // a malformed escape stays raw, so the handler's validation rejects it
  }
}

/** The last middleware: finds the route (HEAD uses GET's), fills params, or throws 404/405. */
export function router(routes: readonly Route[]) {
  return (ctx: Context): Promise<void> | void => {
    const method = ctx.req.method === 'HEAD' ? 'GET' : ctx.req.method;
    let allowed: string[] | undefined;
    for (const r of routes) {
      const m = r.pattern.exec(ctx.path);
      if (m === null) continue;
      if (r.method !== method) {
        (allowed ??= []).push(r.method);
        continue;
      }
      const params: Record<string, string> = Object.create(null);
      for (let i = 0; i < r.keys.length; i++) params[r.keys[i]!] = decode(m[i + 1]!);
      ctx.params = params;
      return r.handler(ctx);
    }
    if (allowed === undefined) throw new HttpError(404, 'Not found');
    if (allowed.includes('GET')) allowed.push('HEAD');
    allowed.push('OPTIONS');
    if (method === 'OPTIONS') {
      ctx.headers.Allow = allowed.join(', ');
      ctx.res.writeHead(204, ctx.headers).end();
      return;
    }
    throw new HttpError(405, 'Method not allowed', { Allow: allowed.join(', ') });
  };
}
