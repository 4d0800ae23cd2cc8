import type { Context, Next } from './context.ts';

const PREFLIGHT = {
  'Access-Control-Allow-Methods': 'GET, POST, HEAD, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type',
  'Access-Control-Max-Age': '600',
};

/**
 * CORS on every /api/ response: `*`, or the request's Origin when it is listed (with
 * `Vary: Origin`). Preflights are answered here, before authentication and routing.
 */
export function cors(origins: '*' | readonly string[]) {
  const listed = origins === '*' ? undefined : new Set(origins);
  return (ctx: Context, next: Next) => {
    if (!ctx.path.startsWith('/api/')) return next();
    const { headers, req } = ctx;
    let allow: string | undefined = '*';
    if (listed !== undefined) {
      headers.Vary = 'Origin';
      allow = req.headers.origin !== undefined && listed.has(req.headers.origin) ? req.headers.origin : undefined;
    }
    if (allow !== undefined) {
      headers['Access-Control-Allow-Origin'] = allow;
      headers['Access-Control-Expose-Headers'] = 'Content-Disposition';
    }
    if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) return next();
    if (allow !== undefined) Object.assign(headers, PREFLIGHT);
    ctx.res.writeHead(204, headers).end();
  };
}
