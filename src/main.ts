// Reads the environment, starts the server, and stops it cleanly on SIGTERM/SIGINT.
import { enableCompileCache } from 'node:module';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

// Before the rest is loaded, so later starts reuse its type-stripped, compiled modules from
// the cache (NODE_COMPILE_CACHE, else the temp dir): less start-up time and less memory, as
// the type stripper then only grows for this one file. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
enableCompileCache();
const { ConfigError, VARIABLES, loadConfig } = await import('./config.ts');
const { createApp } = await import('./http/index.ts');
const { createLogger } = await import('./log.ts');

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log('Usage: npm start   (or: node src/main.ts)\n\nEnvironment variables (also read from .env):\n');
  for (const v of VARIABLES) console.log(`  ${v.name.padEnd(22)} ${v.doc}${v.default ? ` (default: ${v.default})` : ''}`);
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
const server = createApp(config, { log });

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

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info('stopping', { signal, deadlineMs: config.shutdownTimeoutMs });
  // Stop accepting; in-flight requests finish, then 'close' checkpoints and closes the database.
  server.close(() => {
    log.info('stopped');
    log.flush();
    process.exit(0);
  });
  server.closeIdleConnections();
  setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
