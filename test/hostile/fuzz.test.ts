// Bounded, reproducible fuzzing: valid requests and mutations of them (paths, methods, headers, bodies,
// tokens), sent raw. Whatever comes in: no 5xx, no crash, no orphaned file. Reproduce with FUZZ_SEED=<seed>.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from '../helpers.ts';
import { eventually } from './expect.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20240607);
const REQUESTS = 2500;
const PARALLEL = 8;

/** mulberry32: a small seeded PRNG, so a failing run can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof prng>;

const JUNK = ['%', '%zz', '%00', '%2e%2e%2f', '%252f', '%5c', '../', '..', '//', '?', '#', '&', '=', ';', '\u00ff', '\u20ac', '"', "'", '<', ' ', '+', '*', '%C0%AE', '\\'];

/** A string with a few characters inserted, deleted or replaced. */
function mutate(rng: Rng, text: string): string {
  let s = text;
  for (let i = rng.int(4); i >= 0; i--) {
    const at = rng.int(s.length + 1);
    const op = rng.int(4);
    if (op === 0) s = s.slice(0, at) + rng.pick(JUNK) + s.slice(at);
    else if (op === 1) s = s.slice(0, at) + s.slice(at + 1 + rng.int(8));
    else if (op === 2) s = s.slice(0, at) + String.fromCharCode(rng.int(256)) + s.slice(at + 1);
    else s = s.slice(0, at) + s.slice(at).repeat(rng.chance(0.9) ? 1 : 2 + rng.int(50));
  }
  return s;
}

test(`fuzz: ${REQUESTS} mixed valid and mutated requests never produce a 5xx or kill the server (FUZZ_SEED=${SEED})`, async (t) => {
  const s = await startServer(t, { MAX_BODY_BYTES: '4096', MAX_UPLOAD_BYTES: '20000', HEADERS_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '2000', LOG_LEVEL: 'warn' });
  const tokens = [await s.signup('fuzzer', 'password123'), await s.signup('victim', 'password123')];
  const file = (await s.upload(tokens[1]!, 'v.txt', 'victim data')).body.filename as string;
  const rng = prng(SEED);
  // A file handle left open is reported when it is garbage-collected; none may be.
  const warnings: string[] = [];
  const onWarning = (w: Error) => void warnings.push(w.message);
  process.on('warning', onWarning);
  t.after(() => void process.off('warning', onWarning));

  const paths = [
    '/api/register', '/api/login', '/api/secure/notes', '/api/secure/notes?limit=5&offset=0', '/api/secure/upload',
    `/api/secure/download/${file}`, '/api/secure/download/00000000000000000000000000000000.txt', '/api/health', '/api/openapi.json', '/', '/api/secure',
  ];
  const methods = ['GET', 'POST', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'PATCH', 'get', 'BREW', 'CONNECT'];
  const jsonBodies = [
    '{"username":"fuzzer","password":"password123"}', '{"username":"fresh","password":"secret1"}', '{"content":"a note"}',
    '{"username":["x"],"password":{"a":1}}', '{"__proto__":{"content":"x"}}', '[]', 'null', '', '{"content":"' + 'x'.repeat(1200) + '"}',
  ];
  const multipart = (name: string, content: string) =>
    `--fz\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/plain\r\n\r\n${content}\r\n--fz--\r\n`;

  /** One request on the wire, valid or mutated at some layer. */
  function build(): string {
    const method = rng.chance(0.8) ? rng.pick(methods.slice(0, 4)) : rng.pick(methods);
    let path = rng.pick(paths);
    if (rng.chance(0.4)) path = mutate(rng, path);
    const headers: string[] = ['Host: fuzz'];
    const auth = rng.int(6);
    const token = rng.pick(tokens);
    if (auth === 1 || auth === 2) headers.push(`Authorization: Bearer ${token}`);
    if (auth === 3) headers.push(`Authorization: Bearer ${mutate(rng, token)}`);
    if (auth === 4) headers.push(`Authorization: ${rng.pick(['Basic eDp5', 'bearer', 'Bearer ', `Token ${token}`, mutate(rng, `Bearer ${token}`)])}`);
    let body = '';
    if (method !== 'GET' && method !== 'HEAD' && rng.chance(0.8)) {
      if (path.includes('upload') && rng.chance(0.8)) {
        body = multipart(rng.pick(['a.txt', 'b.PNG', 'c.exe', '../d.txt', '', 'e.txt.php', 'f\u00e9.pdf']), 'x'.repeat(rng.int(3) === 0 ? 25_000 : rng.int(500)));
        headers.push(`Content-Type: ${rng.chance(0.8) ? 'multipart/form-data; boundary=fz' : rng.pick(['multipart/form-data', 'text/plain', 'multipart/form-data; boundary=zz'])}`);
      } else {
        body = rng.pick(jsonBodies);
        headers.push(`Content-Type: ${rng.pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'APPLICATION/JSON; charset=utf-8'])}`);
      }
      if (rng.chance(0.3)) body = mutate(rng, body);
      if (rng.chance(0.05)) body += 'y'.repeat(5000);
    }
    const bytes = Buffer.byteLength(body, 'latin1');
    if (rng.chance(0.2)) {
      headers.push('Transfer-Encoding: chunked');
      body = bytes === 0 ? '0\r\n\r\n' : `${bytes.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    } else if (body !== '' || rng.chance(0.3)) {
      headers.push(`Content-Length: ${bytes}`);
    }
    if (rng.chance(0.1)) headers.push(rng.pick(['Content-Length: 5', 'Transfer-Encoding: chunked', 'X-Request-Id: ../../etc', 'Origin: null', 'Access-Control-Request-Method: POST', `X: ${'h'.repeat(rng.int(20_000))}`]));
    if (rng.chance(0.1)) headers.push(mutate(rng, rng.pick(headers)));
    let request = `${method} ${path} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n${body}`;
    if (rng.chance(0.03)) request = mutate(rng, request);
    return request;
  }

  const requests = Array.from({ length: REQUESTS }, build);
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < requests.length) {
      const i = nextIndex++;
      const request = requests[i]!;
      let status: number;
      try {
        status = (await s.raw(Buffer.from(request, 'latin1'), { end: true, deadlineMs: 10_000 })).status;
      } catch (err) {
        assert.fail(`FUZZ_SEED=${SEED} request #${i}: ${(err as Error).message}\n${JSON.stringify(request.slice(0, 600))}`);
      }
      assert.ok(status < 500, `FUZZ_SEED=${SEED} request #${i} got ${status}:\n${JSON.stringify(request.slice(0, 600))}`);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));

  assert.equal((await s.request('/api/health')).status, 200, `FUZZ_SEED=${SEED}: server alive`);
  // Every stored file has its row and no partial file is left once in-flight clean-up settles.
  await eventually(() => {
    const uploads = s.uploads();
    assert.deepEqual(uploads.filter((n) => !/^[0-9a-f]{32}\.[a-z]+$/.test(n)), [], `FUZZ_SEED=${SEED}: only our names on disk`);
    assert.equal(uploads.length, s.counts().files, `FUZZ_SEED=${SEED}: a row for every file`);
  });
  assert.deepEqual(s.logs().filter((l) => l.level === 'error'), [], `FUZZ_SEED=${SEED}: no server error logged`);
  assert.equal(({} as Record<string, unknown>).content, undefined, 'Object.prototype untouched');
  assert.deepEqual(warnings.filter((w) => w.includes('file descriptor')), [], `FUZZ_SEED=${SEED}: no leaked file handle`);
});
