// Shared by the integration tests: a real server on port 0 with its own temp database and
// upload dir, closed and removed when the test ends.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { TestContext } from 'node:test';
import { type Config, loadConfig } from '../src/config.ts';
import { type AppOptions, createApp } from '../src/http/index.ts';
import { createLogger } from '../src/log.ts';

export const SECRET = 'test-secret-test-secret-test-secret-0123456789';

export interface Reply { status: number; headers: Headers; body: any; text: string }

export interface TestServer {
  url: string;
  server: Server;
  config: Config;
  dir: string;
  /** Log lines written so far, parsed. */
  logs(): Array<Record<string, unknown>>;
  /** fetch against the server; the body is parsed when it is JSON. */
  request(path: string, init?: RequestInit): Promise<Reply>;
  /** POST a JSON (or raw string) body. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Reply>;
  /** Registers and logs in a user; returns the token. */
  signup(username?: string, password?: string): Promise<string>;
  /** Uploads `content` as `filename`, with a token. */
  upload(token: string, filename: string, content: string | Uint8Array<ArrayBuffer>, field?: string): Promise<Reply>;
  /** Names in the upload dir, sorted. */
  uploads(): string[];
  /** Rows per table. */
  counts(): { users: number; notes: number; files: number };
}

let users = 0;

/** Starts a server for this test with test-friendly defaults (fast bcrypt, no rate limit) and `env` on top. */
export async function startServer(t: TestContext, env: Record<string, string> = {}, options: AppOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'api-test-'));
  const config = loadConfig({
    SERVER_HOST: '127.0.0.1', SERVER_PORT: '0', DATABASE_PATH: join(dir, 'app.db'), UPLOAD_DIR: join(dir, 'uploads'),
    JWT_SECRET: SECRET, BCRYPT_COST: '4', BCRYPT_WORKERS: '2', RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'debug', ...env,
  });
  const lines: string[] = [];
  const log = createLogger(config.logLevel, (chunk) => void lines.push(chunk));
  const server = createApp(config, { log, ...options });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const request = async (path: string, init?: RequestInit): Promise<Reply> => {
    const res = await fetch(url + path, init);
    const text = await res.text();
    let body: unknown = text;
    if (res.headers.get('content-type')?.startsWith('application/json')) body = JSON.parse(text);
    return { status: res.status, headers: res.headers, body, text };
  };
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    request(path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  return {
    url, server, config, dir, request, post,
    logs: () => {
      log.flush();
      return lines.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    },
    async signup(username = `user${++users}`, password = 'password123') {
      const r = await post('/api/register', { username, password });
      if (r.status !== 200) throw new Error(`register ${username}: ${r.status} ${r.text}`);
      const l = await post('/api/login', { username, password });
      if (l.status !== 200) throw new Error(`login ${username}: ${l.status} ${l.text}`);
      return l.body.token as string;
    },
    upload(token, filename, content, field = 'file') {
      const form = new FormData();
      form.append(field, new Blob([content]), filename);
      return request('/api/secure/upload', { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
    },
    uploads: () => readdirSync(config.uploadDir).filter((n) => n !== '.gitignore').sort(),
    counts() {
      const db = new DatabaseSync(config.databasePath, { readOnly: true });
      try {
        const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
        return { users: count('users'), notes: count('notes'), files: count('files') };
      } finally {
        db.close();
      }
    },
  };
}

/** Header object for a token. */
export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
