// Shared by the integration tests: a real server on port 0 with its own temp database and
// upload dir, closed and removed when the test ends.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { TestContext } from 'node:test';
import { type Config, loadConfig } from '../src/config.ts';
import { type AppOptions, createApp } from '../src/http/index.ts';
import { createLogger } from '../src/log.ts';

export const SECRET = 'test-secret-test-secret-test-secret-0123456789';

export interface Reply { status: number; headers: Headers; body: any; text: string }

/** What a raw socket got back: status 0 when the server hung up without answering. */
export interface RawReply { status: number; head: string; headers: Record<string, string>; body: any; text: string }

/** Bytes to send: one chunk, or several written `gapMs` apart (slow clients). */
export interface RawOptions {
  chunks?: Array<string | Buffer>;
  gapMs?: number;
  /** Half-close after writing; or hang up at once without waiting for an answer. */
  end?: boolean;
  destroyAfterWrite?: boolean;
  /** A guard against a test hanging forever (rejects), not a speed check. */
  deadlineMs?: number;
}

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
  /** Sends `data` (and `options.chunks`) on a raw socket, for requests fetch would normalise or refuse to send. */
  raw(data: string | Buffer, options?: RawOptions): Promise<RawReply>;
  /** Names in the upload dir, sorted. */
  uploads(): string[];
  /** Rows per table. */
  counts(): { users: number; notes: number; files: number };
  /** Upload dir listing and row counts, to compare before and after. */
  snapshot(): { uploads: string[]; counts: { users: number; notes: number; files: number } };
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
    if (text !== '' && res.headers.get('content-type')?.startsWith('application/json')) body = JSON.parse(text);
    return { status: res.status, headers: res.headers, body, text };
  };
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    request(path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  const port = (server.address() as AddressInfo).port;
  const raw = (data: string | Buffer, options: RawOptions = {}) => rawRequest(port, [data, ...(options.chunks ?? [])], options);
  const counts = () => {
    const db = new DatabaseSync(config.databasePath, { readOnly: true });
    try {
      const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      return { users: count('users'), notes: count('notes'), files: count('files') };
    } finally {
      db.close();
    }
  };
  const uploads = () => readdirSync(config.uploadDir).filter((n) => n !== '.gitignore').sort();

  return {
    url, server, config, dir, request, post, raw, counts, uploads,
    snapshot: () => ({ uploads: uploads(), counts: counts() }),
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
  };
}

/** Parses one HTTP/1.1 response out of `buf` once it is whole (by Content-Length, or at close; no body for HEAD). */
function parseResponse(buf: Buffer, closed: boolean, head: boolean): RawReply | undefined {
  const end = buf.indexOf('\r\n\r\n');
  if (end === -1) return closed ? { status: 0, head: buf.toString('latin1'), headers: {}, body: '', text: '' } : undefined;
  const top = buf.subarray(0, end).toString('latin1');
  const [statusLine = '', ...lines] = top.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = head ? 0 : Number(headers['content-length'] ?? (closed ? buf.length - end - 4 : NaN));
  if (!(buf.length - end - 4 >= length)) return undefined;
  const text = buf.subarray(end + 4, end + 4 + length).toString('utf8');
  let body: unknown = text;
  if (text !== '' && headers['content-type']?.startsWith('application/json')) body = JSON.parse(text);
  return { status: Number(statusLine.split(' ')[1]), head: top, headers, body, text };
}

/** Writes the chunks (gapMs apart) on a fresh connection and resolves with the first response, or status 0 at a hang-up without one. */
export function rawRequest(port: number, chunks: Array<string | Buffer>, options: RawOptions): Promise<RawReply> {
  const { gapMs = 0, end = false, destroyAfterWrite = false, deadlineMs = 15_000 } = options;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      done = true;
      socket.destroy();
      reject(new Error(`no answer within ${deadlineMs} ms to ${String(chunks[0]).slice(0, 80)}`));
    }, deadlineMs);
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      const reply = parseResponse(buf, closed, String(chunks[0]).startsWith('HEAD '));
      if (reply === undefined) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(reply);
    };
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      finish(false);
    });
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    void (async () => {
      for (const [i, chunk] of chunks.entries()) {
        if (done || socket.destroyed) return;
        if (i > 0 && gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
        if (done || socket.destroyed) return;
        socket.write(chunk);
      }
      if (destroyAfterWrite) setImmediate(() => socket.destroy());
      else if (end) socket.end();
    })();
  });
}

/** Header object for a token. */
export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** The repository root, and the server's entry point. */
export const ROOT = resolve(import.meta.dirname, '..');
export const MAIN = join(ROOT, 'src', 'main.ts');

export interface Exit { code: number | null; signal: NodeJS.Signals | null }

export interface TestProcess {
  child: ChildProcess;
  url: string;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** stdout so far, one parsed JSON object per line. */
  logs(): Array<Record<string, unknown>>;
  /** Settles when the process has exited. */
  exited: Promise<Exit>;
}

/** Environment for a child server: PATH only from ours, test-friendly defaults, data in `dir`, then `env`. */
export function childEnv(dir: string, env: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '', SERVER_HOST: '127.0.0.1', SERVER_PORT: '0', DATABASE_PATH: join(dir, 'app.db'),
    UPLOAD_DIR: join(dir, 'uploads'), JWT_SECRET: SECRET, BCRYPT_COST: '4', BCRYPT_WORKERS: '1', RATE_LIMIT_PER_MINUTE: '0', ...env,
  };
}

/** A temp dir removed when the test ends. */
export function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'api-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs `node src/main.ts` (data in `dir`) and waits for its "listening" line; killed when the test ends if still running. */
export function startProcess(t: TestContext, dir: string, env: Record<string, string> = {}): Promise<TestProcess> {
  return spawnServer(t, process.execPath, [MAIN], { cwd: dir, env: childEnv(dir, env) });
}

/** Spawns a command that starts the server and waits for its "listening" line; killed when the test ends if still running. */
export async function spawnServer(t: TestContext, command: string, args: string[], options: { cwd: string; env: Record<string, string> }): Promise<TestProcess> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let all = '';
  const exited = new Promise<Exit>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  const url = await new Promise<string>((ready, fail) => {
    child.stderr!.on('data', (chunk: Buffer) => void (all += chunk));
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk;
      all += chunk;
      const line = stdout.split('\n').find((l) => l.includes('"msg":"listening"'));
      if (line) ready(`http://127.0.0.1:${JSON.parse(line).port}`);
    });
    void exited.then((e) => fail(new Error(`server exited (${e.code ?? e.signal}) before listening:\n${all}`)));
  });
  return {
    child, url, exited,
    output: () => all,
    logs: () => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)),
  };
}

/** Runs a Node script to completion; resolves with its exit and output whatever the status. */
export function runNode(args: string[], env: Record<string, string>, cwd = ROOT): Promise<Exit & { stdout: string; stderr: string }> {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk));
  return new Promise((done) => child.once('close', (code, signal) => done({ code, signal, stdout, stderr })));
}
