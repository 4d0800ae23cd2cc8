import { accounts } from './accounts.ts';
import type { Handler } from './context.ts';
import type { Deps } from './deps.ts';
import { files } from './files.ts';
import { notes } from './notes.ts';
import { ops } from './ops.ts';
import { rateLimit } from './ratelimit.ts';
import { type Route, route } from './router.ts';

/** The whole API, scanned in order. HEAD is served wherever GET is. */
export function routes(deps: Deps): Route[] {
  const { config, now } = deps;
  const limit = rateLimit({ burst: config.rateLimitBurst, perMinute: config.rateLimitPerMinute, clients: config.rateLimitClients }, now);
  const limited = (handler: Handler): Handler => (ctx) => limit(ctx, async () => handler(ctx));
  const a = accounts(deps);
  const n = notes(deps);
  const f = files(deps);
  const o = ops(deps);
  return [
    route('POST', '/api/register', limited(a.register)),
    route('POST', '/api/login', limited(a.login)),
    route('GET', '/api/secure/notes', n.list),
    route('POST', '/api/secure/notes', n.add),
    route('POST', '/api/secure/upload', f.upload),
    route('GET', '/api/secure/download/*', f.download),
    route('GET', '/api/health', o.health),
    route('GET', '/api/openapi.json', o.openapi),
  ];
}
