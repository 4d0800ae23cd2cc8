import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Headers } from './errors.ts';

/** Everything a middleware or handler gets about one request. */
export interface Context {
  req: IncomingMessage;
  res: ServerResponse;
  /** The raw path (no query), as the client sent it. */
  path: string;
  /** The raw query string, without `?`. */
  query: string;
  params: Record<string, string>;
  /** Request id: the client's valid X-Request-Id, or a new one. */
  id: string;
  userId: number | undefined;
  /** Response headers gathered on the way (request id, CORS), written once with the status. */
  headers: Headers;
}

export type Next = () => Promise<void>;
export type Middleware = (ctx: Context, next: Next) => Promise<void> | void;
export type Handler = (ctx: Context) => Promise<void> | void;

/** Writes one JSON response: one stringify, headers written once. HEAD gets the headers only. */
export function sendJson(ctx: Context, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  const headers = ctx.headers;
  headers['Content-Type'] = 'application/json';
  headers['Content-Length'] = String(Buffer.byteLength(payload));
  ctx.res.writeHead(status, headers);
  ctx.res.end(ctx.req.method === 'HEAD' ? undefined : payload);
}
