// Reads the environment, starts the server, and stops it cleanly on SIGTERM/SIGINT.
import { enableCompileCache } from 'node:module';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { resolve } from 'node:path';

// Before the rest is loaded, so later starts reuse its type-stripped, compiled modules from
// the cache (NODE_COMPILE_CACHE, else the temp dir): less start-up time and less memory, as
// the type stripper then only grows for this one file. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
enableCompileCache();
const { ConfigError, loadConfig, usage } = await import('./config.ts');
const { createApp } = await import('./http/index.ts');
const { createLogger, describeError } = await import('./log.ts');

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(usage());
  process.exit(0);
}

let config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`Configuration error: ${err.message}`);
  process.exit(1);
}

const log = createLogger(config.logLevel);
let server;
try {
  server = createApp(config, { log });
} catch (err) {
  // An unopenable database or upload dir: one line, not a stack trace.
  log.error('cannot start', describeError(err, config.debug));
  log.flush();
  process.exit(1);
}

server.on('error', (err) => {
  log.error('cannot listen', { error: err.message });
  log.flush();
  process.exit(1);
});

server.listen(config.port, config.host, () => {
  const { address, port } = server.address() as AddressInfo;
  log.info('listening', {
    address, port, url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    database: config.databasePath === ':memory:' ? ':memory:' : resolve(config.databasePath),
    uploads: resolve(config.uploadDir), node: process.version,
  });
});

// Connections that have not sent a request yet (browsers open them ahead of need) are not idle
// to Node's server.close(), so they would hold the shutdown until its deadline: track them.
const unused = new Set<Socket>();
server.on('connection', (socket: Socket) => {
  unused.add(socket);
  socket.once('close', () => unused.delete(socket));
});
server.on('request', (req: IncomingMessage) => unused.delete(req.socket));

let stopping = false;
const stop = (signal: string) => {
  if (stopping) {
    // A second signal: no more waiting.
    log.warn('stopping now', { signal });
    server.closeAllConnections();
    return;
  }
  stopping = true;
  log.info('stopping', { signal, deadlineMs: config.shutdownTimeoutMs });
  // 1. Stop accepting and close idle keep-alive connections; 2. in-flight requests finish
  // (each then closes its connection), or are cut off at the deadline; 3. the server's 'close'
  // checkpoints and closes the database; 4. exit 0 once the event loop is empty, so that clean-up
  // still running (a cut-off upload removing its partial file) is done; at most a second later.
  for (const socket of unused) socket.destroy();
  server.close(() => {
    log.info('stopped');
    log.flush();
    setTimeout(() => {
      log.warn('exiting with work still pending');
      log.flush();
      process.exit(0);
    }, 1000).unref();
  });
  setTimeout(() => {
    log.warn('shutdown deadline reached: closing connections still open');
    server.closeAllConnections();
  }, config.shutdownTimeoutMs).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
