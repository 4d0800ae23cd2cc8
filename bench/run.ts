// The benchmark: `npm run bench` (about 2½ minutes), `npm run bench -- --quick` (about 1 minute).
// Every scenario gets a fresh server (a child process with its own temp data dir), so its
// peak RSS is its own; every throughput is also given as a ratio to a bare node:http
// server measured in the same run, because absolute numbers on a shared machine are noise.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon, { type Options, type Result } from 'autocannon';

const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const DURATION = quick ? 3 : 8; // seconds of measurement per scenario
const WARMUP = quick ? 1 : 2; // seconds of warm-up (not measured) per scenario
const CONNECTIONS = 10;
const HOST = '127.0.0.1';
const ROOT = new URL('..', import.meta.url).pathname;
const MiB = 1024 * 1024;

interface Server { url: string; proc: ChildProcess; dir: string; startMs: number }

interface Row {
  scenario: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  ratio: number | undefined;
  peakRssMb: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, HOST, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** One plain HTTP request; resolves with status and body text. */
function call(url: string, method = 'GET', body?: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A kB figure from /proc/<pid>/status (VmHWM = peak RSS, VmRSS = now), in MB. */
function memoryMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return Math.round(kb / 1024 * 10) / 10;
}

/** Starts `script` with the server's environment and waits for the first 200 from /api/health. */
async function start(script = 'src/main.ts', env: Record<string, string> = {}): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'api-bench-'));
  const port = await freePort();
  const url = `http://${HOST}:${port}`;
  const t0 = performance.now();
  const proc = spawn(process.execPath, [script], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'], // the request log goes to /dev/null, as it would to a file
    env: {
      PATH: process.env.PATH ?? '',
      SERVER_HOST: HOST, SERVER_PORT: String(port),
      DATABASE_PATH: join(dir, 'app.db'), UPLOAD_DIR: join(dir, 'uploads'),
      LOG_LEVEL: 'info', RATE_LIMIT_PER_MINUTE: '0',
      // As `npm start` sets it, so that src/main.ts itself comes from the compile cache too.
      NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? join(ROOT, 'node_modules/.cache/node-compile-cache'),
      ...env,
    },
  });
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => void (stderr += c));
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited (${proc.exitCode}): ${stderr}`);
    try {
      if ((await call(`${url}/api/health`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - t0 > 10_000) throw new Error(`server did not start: ${stderr}`);
    await sleep(2);
  }
  return { url, proc, dir, startMs: performance.now() - t0 };
}

/** Stops the server and removes its data; returns its peak RSS in MB. */
async function stop(s: Server): Promise<number> {
  const peak = memoryMb(s.proc.pid!, 'VmHWM');
  const exited = new Promise((resolve) => s.proc.once('exit', resolve));
  s.proc.kill('SIGTERM');
  await Promise.race([exited, sleep(5000)]);
  if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
  rmSync(s.dir, { recursive: true, force: true });
  return peak;
}

const json = (value: unknown) => JSON.stringify(value);
const jsonHeaders = { 'Content-Type': 'application/json' };

/** Registers `username` and returns a Bearer header for it. */
async function signup(s: Server, username: string, password = 'password123'): Promise<Record<string, string>> {
  const body = json({ username, password });
  const reg = await call(`${s.url}/api/register`, 'POST', body, jsonHeaders);
  if (reg.status !== 200) throw new Error(`register: ${reg.status} ${reg.text}`);
  const login = await call(`${s.url}/api/login`, 'POST', body, jsonHeaders);
  if (login.status !== 200) throw new Error(`login: ${login.status} ${login.text}`);
  return { Authorization: `Bearer ${JSON.parse(login.text).token}` };
}

/** A multipart/form-data body holding one file part of `size` bytes. */
function multipart(size: number, filename = 'bench.txt'): { body: Buffer; headers: Record<string, string> } {
  const boundary = '----bench0123456789';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/plain\r\n\r\n`;
  const body = Buffer.concat([Buffer.from(head), Buffer.alloc(size, 'a'), Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return { body, headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` } };
}

const load = (url: string, options: Partial<Options> = {}): Promise<Result> =>
  autocannon({ url, connections: CONNECTIONS, duration: DURATION, warmup: { connections: CONNECTIONS, duration: WARMUP }, timeout: 30, ...options });

const rows: Row[] = [];
let ceilingRps = 0;

function record(scenario: string, r: Result, peakRssMb: number): Row {
  const row: Row = {
    scenario,
    rps: Math.round(r.requests.total / r.duration),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    ratio: ceilingRps > 0 ? Math.round((r.requests.total / r.duration / ceilingRps) * 100) / 100 : undefined,
    peakRssMb,
  };
  rows.push(row);
  console.error(`  ${scenario}: ${row.rps} req/s, p99 ${row.p99} ms, ${row.errors} errors, ${row.non2xx} non-2xx`);
  return row;
}

/** Runs one scenario on a fresh server: `prepare` seeds it, `run` loads it. */
async function scenario(name: string, prepare: (s: Server) => Promise<Partial<Options>>, env: Record<string, string> = {}, script?: string): Promise<Row> {
  const s = await start(script, env);
  let result: Result;
  try {
    const { url = '', ...options } = await prepare(s);
    result = await load(s.url + url, options);
  } catch (err) {
    await stop(s);
    throw err;
  }
  return record(name, result, await stop(s));
}

const results: Record<string, unknown> = {};
const t0 = performance.now();

// 1. The ceiling. Measured again right before each scenario with a ratio target, because the
// machine's other load drifts within a run: each ratio is to the most recent ceiling row.
const measureCeiling = async (note = '') => {
  ceilingRps = 0;
  const row = await scenario(`ceiling (bare node:http)${note}`, async () => ({}), {}, 'bench/ceiling.ts');
  ceilingRps = row.rps;
  row.ratio = 1;
};
await measureCeiling();

// 2. Authenticated listing: page 6 of a user's 200 notes.
const listPath = '/api/secure/notes?limit=10&offset=50';
const seedNotes = async (s: Server) => {
  const auth = await signup(s, 'reader');
  for (let i = 0; i < 200; i++) {
    const r = await call(`${s.url}/api/secure/notes`, 'POST', json({ content: `note ${i} ${'x'.repeat(40)}` }), { ...auth, ...jsonHeaders });
    if (r.status !== 200) throw new Error(`seed: ${r.status} ${r.text}`);
  }
  const check = await call(s.url + listPath, 'GET', undefined, auth);
  if (check.status !== 200 || JSON.parse(check.text).notes.length !== 10) throw new Error(`listing: ${check.status} ${check.text}`);
  return auth;
};
await measureCeiling(', again for the next row');
const listing = await scenario('GET /api/secure/notes (limit 10, offset 50)', async (s) => ({ url: listPath, headers: await seedNotes(s) }));

// 3. Note creation.
await measureCeiling(', again for the next row');
const creating = await scenario('POST /api/secure/notes', async (s) => ({
  url: '/api/secure/notes', method: 'POST', body: json({ content: 'a benchmark note of modest length' }),
  headers: { ...(await signup(s, 'writer')), ...jsonHeaders },
}));

// 4. Logins: bcrypt (cost 10) on the default pool (one worker per core), then on one worker.
const loginOptions = async (s: Server): Promise<Partial<Options>> => {
  await signup(s, 'login');
  return { url: '/api/login', method: 'POST', body: json({ username: 'login', password: 'password123' }), headers: jsonHeaders };
};
const loginDefault = await scenario(`POST /api/login (BCRYPT_WORKERS=${availableParallelism()}, default)`, loginOptions);
const loginOne = await scenario('POST /api/login (BCRYPT_WORKERS=1)', loginOptions, { BCRYPT_WORKERS: '1' });

// 5. Files: 1 MiB up, 1 MiB down.
const oneMiB = multipart(MiB);
const upload = await scenario('POST /api/secure/upload (1 MiB)', async (s) => ({
  url: '/api/secure/upload', method: 'POST', body: oneMiB.body, headers: { ...(await signup(s, 'uploader')), ...oneMiB.headers },
}));
const download = await scenario('GET /api/secure/download (1 MiB)', async (s) => {
  const auth = await signup(s, 'downloader');
  const up = await call(`${s.url}/api/secure/upload`, 'POST', oneMiB.body, { ...auth, ...oneMiB.headers });
  if (up.status !== 200) throw new Error(`upload: ${up.status} ${up.text}`);
  return { url: `/api/secure/download/${JSON.parse(up.text).filename}`, headers: auth };
});

// 6. Listing latency while logins saturate the bcrypt pool. Idle, storm, idle again: the storm
// is compared with the mean of the idle runs around it, so a change in the machine's other
// load during the scenario biases the factor less.
console.error('  listing p99, idle vs during a login storm');
const storm = await (async () => {
  const s = await start();
  try {
    const auth = await seedNotes(s);
    await signup(s, 'login');
    const before = await load(s.url + listPath, { headers: auth });
    const [busy, logins] = await Promise.all([
      load(s.url + listPath, { headers: auth, warmup: undefined }),
      load(`${s.url}/api/login`, { method: 'POST', body: json({ username: 'login', password: 'password123' }), headers: jsonHeaders, connections: 20, warmup: undefined }),
    ]);
    const after = await load(s.url + listPath, { headers: auth, warmup: undefined });
    const stormRows = [
      record('listing, idle (before the storm)', before, 0),
      record('listing, during a login storm (20 conns)', busy, 0),
      record('  ...the login storm itself', logins, 0),
      record('listing, idle (after the storm)', after, 0),
    ];
    const peak = await stop(s);
    for (const row of stormRows) row.peakRssMb = peak;
    const idleP99 = (before.latency.p99 + after.latency.p99) / 2;
    return { idleP99, busyP99: busy.latency.p99, factor: Math.round((busy.latency.p99 / idleP99) * 100) / 100 };
  } catch (err) {
    await stop(s);
    throw err;
  }
})();

// 7. Memory: 20 concurrent 10 MiB uploads.
console.error('  20 concurrent 10 MiB uploads');
const memory = await (async () => {
  const s = await start();
  const tenMiB = multipart(10 * MiB);
  try {
    const headers = { ...(await signup(s, 'bulk')), ...tenMiB.headers };
    const r = await autocannon({ url: `${s.url}/api/secure/upload`, method: 'POST', body: tenMiB.body, headers, connections: 20, amount: 20, timeout: 60 });
    const row = record('POST /api/secure/upload (20 × 10 MiB at once)', r, 0);
    row.ratio = undefined;
    row.peakRssMb = await stop(s);
    return { peakRssMb: row.peakRssMb, ok: r.requests.total - r.non2xx, seconds: r.duration };
  } catch (err) {
    await stop(s);
    throw err;
  }
})();

// 8. Start-up: process start to the first 200 from /api/health, and the idle RSS after it;
// the same for the ceiling (which answers /api/health too), as the floor of both on this Node.
console.error('  start-up');
const startTimes = async (script?: string) => {
  const runs: Array<{ ms: number; idleRssMb: number }> = [];
  for (let i = 0; i < 5; i++) {
    const s = await start(script);
    await sleep(500);
    runs.push({ ms: Math.round(s.startMs), idleRssMb: memoryMb(s.proc.pid!, 'VmRSS') });
    await stop(s);
  }
  return runs;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
// The server caches compiled modules (src/main.ts); the very first start after a change
// has an empty cache, so time one start with a cache dir of its own as well.
const cacheDir = mkdtempSync(join(tmpdir(), 'api-bench-cache-'));
const first = await start(undefined, { NODE_COMPILE_CACHE: cacheDir });
const firstStartMs = Math.round(first.startMs);
await stop(first);
rmSync(cacheDir, { recursive: true, force: true });
const starts = await startTimes();
const floor = await startTimes('bench/ceiling.ts');
const startup = {
  firstStartMs,
  medianMs: median(starts.map((s) => s.ms)), idleRssMb: median(starts.map((s) => s.idleRssMb)), runs: starts,
  ceiling: { medianMs: median(floor.map((s) => s.ms)), idleRssMb: median(floor.map((s) => s.idleRssMb)), runs: floor },
};

// Report.
const targets = [
  { target: 'listing ≥ 0.70 of ceiling', value: listing.ratio!, met: listing.ratio! >= 0.7 },
  { target: 'note creation ≥ 0.45 of ceiling', value: creating.ratio!, met: creating.ratio! >= 0.45 },
  { target: 'peak RSS, 20 × 10 MiB uploads ≤ 100 MB', value: memory.peakRssMb, met: memory.peakRssMb <= 100 },
  { target: 'cold start to first 200 ≤ 300 ms', value: startup.medianMs, met: startup.medianMs <= 300 },
  { target: 'idle RSS ≤ 60 MB', value: startup.idleRssMb, met: startup.idleRssMb <= 60 },
  { target: 'listing p99 during login storm ≤ 3× idle', value: storm.factor, met: storm.factor <= 3 },
];
const machine = { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version, quick, durationS: DURATION };
Object.assign(results, {
  date: new Date().toISOString(), machine, scenarios: rows, storm, memory, startup,
  logins: { defaultRps: loginDefault.rps, oneWorkerRps: loginOne.rps, scaling: Math.round((loginDefault.rps / loginOne.rps) * 100) / 100 },
  files: { uploadMiBps: upload.rps, downloadMiBps: download.rps }, targets, seconds: Math.round((performance.now() - t0) / 1000),
});
writeFileSync(new URL('results.json', import.meta.url), JSON.stringify(results, null, 2) + '\n');

const fmt = (n: number | undefined, digits = 0) => (n === undefined ? '' : n.toFixed(digits));
console.log(`\n${machine.cores} cores, ${machine.cpu}, Node ${machine.node}${quick ? ', --quick' : ''}; ${DURATION} s per scenario, ${CONNECTIONS} connections\n`);
console.log('| scenario | req/s | p50 ms | p99 ms | errors | non-2xx | × ceiling | peak RSS MB |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.scenario} | ${r.rps} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.errors} | ${r.non2xx} | ${fmt(r.ratio, 2)} | ${fmt(r.peakRssMb, 1)} |`);
}
console.log(`\nLogins: ${loginDefault.rps}/s on ${machine.cores} workers vs ${loginOne.rps}/s on 1 (× ${results.logins && (results.logins as { scaling: number }).scaling}).`);
console.log(`Listing p99: ${storm.idleP99} ms idle (mean of before and after), ${storm.busyP99} ms during the login storm (× ${storm.factor}).`);
console.log(`20 × 10 MiB uploads: ${memory.ok}/20 stored in ${memory.seconds.toFixed(1)} s, server peak RSS ${memory.peakRssMb} MB.`);
console.log(`Start-up: ${startup.medianMs} ms to the first 200 (median of 5: ${starts.map((s) => s.ms).join(', ')}), idle RSS ${startup.idleRssMb} MB.`);
console.log(`First start with an empty module compile cache: ${startup.firstStartMs} ms.`);
console.log(`Ceiling start-up: ${startup.ceiling.medianMs} ms, idle RSS ${startup.ceiling.idleRssMb} MB (Node itself, stripping types, with node:http loaded).\n`);
console.log('| target | measured | met |');
console.log('|---|---:|:---:|');
for (const t of targets) console.log(`| ${t.target} | ${t.value} | ${t.met ? 'yes' : '**no**'} |`);
console.log(`\n${results.seconds} s in all; results in bench/results.json`);
