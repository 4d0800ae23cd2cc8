import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { type IncomingMessage, STATUS_CODES, type Server, type ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createPasswords, loadSecret } from '../auth/index.ts';
import { sweepPartial } from '../files/index.ts';
import type { Config } from '../config.ts';
import { type Logger, createLogger, describeError } from '../log.ts';
import { type Store, openStore } from '../store/index.ts';
import { compose } from './compose.ts';
import { type Context, sendJson } from './context.ts';
import { cors } from './cors.ts';
import { requireUser } from './auth.ts';
import { toHttpError } from './errors.ts';
import { router } from './router.ts';
import { routes } from './routes.ts';

export interface AppOptions {
  /** The clock, in milliseconds (tests freeze it). */
  now?: () => number;
  log?: Logger;
  /** Another storage engine behind the same operations. */
  store?: Store;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const NO_PARAMS: Record<string, string> = Object.freeze(Object.create(null));

/** Splits the request target into path and query; absolute-form targets keep only their path. */
function target(url: string): [string, string] {
  if (url[0] !== '/') {
    try {
      const u = new URL(url);
      url = u.pathname + u.search;
    } catch {
      // not a URL (`*`, junk): split it as it is, so its query never reaches the log
    }
  }
  const q = url.indexOf('?');
  return q === -1 ? [url, ''] : [url.slice(0, q), url.slice(q + 1)];
}

/**
 * Requests Node refuses before they reach us (malformed, headers too large, too slow) still get
 * a JSON error. Like Node's own handler, only when no response is under way on the socket.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const busy = (socket as Duplex & { _httpMessage?: { headersSent: boolean } })._httpMessage?.headersSent;
  if (err.code === 'ECONNRESET' || !socket.writable || busy) return void socket.destroy();
  const [status, message] =
    err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request header fields too large']
    : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request timeout']
    : [400, 'Bad request'];
  const body = JSON.stringify({ error: message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n` +
      `X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Builds the server (not listening). Closing it closes the database and the bcrypt workers. */
export function createApp(config: Config, options: AppOptions = {}): Server {
  const now = options.now ?? Date.now;
  const log = options.log ?? createLogger(config.logLevel);
  mkdirSync(config.uploadDir, { recursive: true });
  // File times are the wall clock's, so not the injected one.
  const swept = sweepPartial(config.uploadDir, config.requestTimeoutMs, Date.now());
  if (swept > 0) log.warn('removed partial uploads left by an earlier hard stop', { count: swept });
  const store = options.store ?? openStore(config.databasePath);
  const secret = loadSecret(config.jwtSecret, config.databasePath, log.warn);
  const passwords = createPasswords(config.bcryptCost, config.bcryptWorkers);
  const deps = { config, store, passwords, secret, log, now };
  const chain = compose([cors(config.corsOrigins), requireUser(secret, store, now), router(routes(deps))]);

  /** The edge: every thrown outcome becomes one `{"error"}` response; 5xx causes are logged. */
  const fail = (ctx: Context, err: unknown) => {
    if (ctx.res.headersSent || ctx.req.socket.destroyed) {
      // Too late for an error response (client gone, or a stream broke mid-way): just hang up.
      log.warn('response interrupted', { id: ctx.id, ...describeError(err, config.debug) });
      ctx.res.destroy();
      return;
    }
    const e = toHttpError(err);
    if (e.status >= 500) log.error(e.message, { id: ctx.id, ...describeError(e.cause ?? e, config.debug) });
    if (e.headers) Object.assign(ctx.headers, e.headers);
    // Answering before the body was read: the rest of it would be taken for the next request,
    // so the connection closes, and requests already sent behind it are not run (RFC 9112 §9.6).
    if (!ctx.req.complete) {
      ctx.headers.Connection = 'close';
      closing.add(ctx.req.socket);
    }
    sendJson(ctx, e.status, { error: e.message });
  };

  /** Connections that end after their current response: nothing more is run on them. */
  const closing = new WeakSet<Socket>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (closing.has(req.socket)) return; // pipelined behind a response that closes the connection
    const start = performance.now();
    // After server.close() (shutdown), no connection is kept alive: see the end of this function.
    if (!server.listening) res.shouldKeepAlive = false;
    const [path, query] = target(req.url ?? '/');
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    const ctx: Context = {
      req, res, path, query, id, params: NO_PARAMS, userId: undefined,
      headers: { 'X-Request-Id': id, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' },
    };
    try {
      await chain(ctx);
    } catch (err) {
      fail(ctx, err);
    }
    log.info('request', {
      id, method: req.method, path, status: res.headersSent ? res.statusCode : 0,
      ms: Math.round((performance.now() - start) * 10) / 10, user: ctx.userId,
    });
    // A keep-alive connection whose request was in flight at shutdown ends with its response,
    // instead of holding the process open until the shutdown deadline.
    if (!server.listening) {
      closing.add(req.socket);
      req.socket.end();
    }
  };

  const server = createServer(
    {
      // Node requires headersTimeout <= requestTimeout: the headers are part of the request.
      headersTimeout: Math.min(config.headersTimeoutMs, config.requestTimeoutMs),
      requestTimeout: config.requestTimeoutMs,
      keepAliveTimeout: config.keepAliveTimeoutMs,
      // How often those timeouts are checked (Node's default is 30 s).
      connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs, config.requestTimeoutMs),
      insecureHTTPParser: false,
    },
    (req, res) => void handle(req, res),
  );
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => answerClientError(err, socket));
  server.on('close', () => {
    try {
      store.close();
    } catch (err) {
      // The data is safe in the WAL; the next start checkpoints it.
      log.error('closing the database failed', describeError(err, config.debug));
    }
    void passwords.close();
    log.flush();
  });
  return server;
}
