// CORS as a browser enforces it: a page from another local origin uses the API with fetch in
// headless Chromium (Debian's package, driven by playwright-core).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type TestContext, test } from 'node:test';
import { type Page, chromium } from 'playwright-core';
import { startServer, tempDir } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const INSTALL = 'test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium)';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const missing = !existsSync(CHROMIUM);
// Skipped on a developer's machine without Chromium; in CI its absence is a failure.
const skip = missing && process.env.CI !== 'true' ? `${CHROMIUM} is missing; install it with: ${INSTALL}` : false;

/** The page: everything a browser client does, with fetch, reporting what it saw (or the error that stopped it). */
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>API client</title>
<script>
async function runFlow(api) {
  const seen = {};
  try {
    const json = async (path, init) => {
      const r = await fetch(api + path, init);
      return { status: r.status, body: await r.json() };
    };
    const post = (path, body, headers = {}) =>
      json(path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
    seen.register = await post('/api/register', { username: 'browser', password: 'password123' });
    seen.login = await post('/api/login', { username: 'browser', password: 'password123' });
    const auth = { Authorization: 'Bearer ' + seen.login.body.token };
    seen.add = await post('/api/secure/notes', { content: 'from a browser' }, auth);
    seen.list = await json('/api/secure/notes', { headers: auth });
    const form = new FormData();
    form.append('file', new Blob(['hello from the browser'], { type: 'text/plain' }), 'héllo.txt');
    seen.upload = await json('/api/secure/upload', { method: 'POST', headers: auth, body: form });
    const d = await fetch(api + '/api/secure/download/' + seen.upload.body.filename, { headers: auth });
    seen.download = { status: d.status, disposition: d.headers.get('Content-Disposition'), text: await d.text() };
  } catch (err) {
    seen.error = String(err);
  }
  return seen;
}
</script>`;

/** Serves the page from its own origin (another port); closed when the test ends. */
async function servePage(t: TestContext): Promise<string> {
  const server: Server = createServer((req, res) => {
    res.writeHead(req.url === '/' ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' }).end(req.url === '/' ? PAGE : '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    // Chromium keeps (and pre-opens) connections that would hold close() open for minutes.
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A fresh headless Chromium (own empty profile) with the page open; closed when the test ends. */
async function openPage(t: TestContext, origin: string): Promise<Page> {
  if (missing) assert.fail(`CI=true and ${CHROMIUM} is missing: .ci/run should have installed it (${INSTALL})`);
  const context = await chromium.launchPersistentContext(tempDir(t), { executablePath: CHROMIUM, headless: true, args: ARGS });
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  return page;
}

const runFlow = (page: Page, api: string) => page.evaluate((url) => (window as unknown as { runFlow(u: string): Promise<any> }).runFlow(url), api);

const allowed: Array<[string, (origin: string) => Record<string, string>]> = [
  ['CORS_ORIGINS=* (the default)', () => ({})],
  ["CORS_ORIGINS listing the page's origin", (origin) => ({ CORS_ORIGINS: `http://example.test, ${origin}` })],
];
for (const [name, env] of allowed) {
  test(`browser on another origin, ${name}: register, log in, add and list notes, upload and download`, { skip }, async (t) => {
    const origin = await servePage(t);
    const api = await startServer(t, env(origin));
    assert.notEqual(new URL(api.url).origin, origin);
    const seen = await runFlow(await openPage(t, origin), api.url);
    assert.equal(seen.error, undefined);
    assert.deepEqual(seen.register, { status: 200, body: { message: 'User registered' } });
    assert.equal(seen.login.status, 200);
    assert.equal(seen.add.status, 200);
    assert.deepEqual(seen.list, { status: 200, body: { notes: [{ id: seen.add.body.id, content: 'from a browser' }] } });
    assert.equal(seen.upload.status, 200);
    assert.equal(seen.upload.body.original_name, 'héllo.txt');
    assert.equal(seen.download.status, 200);
    assert.equal(seen.download.text, 'hello from the browser');
    // Readable by the page only because it is exposed.
    assert.match(seen.download.disposition, /^attachment; .*filename\*=UTF-8''h%C3%A9llo\.txt$/);
    assert.deepEqual(api.counts(), { users: 1, notes: 1, files: 1 });
  });
}

test("browser on another origin, CORS_ORIGINS not listing the page's origin: the page's fetches are blocked", { skip }, async (t) => {
  const origin = await servePage(t);
  const api = await startServer(t, { CORS_ORIGINS: 'http://example.test' });
  const page = await openPage(t, origin);
  const seen = await runFlow(page, api.url);
  assert.match(seen.error, /TypeError: Failed to fetch/);
  assert.equal(seen.register, undefined);
  // The preflight was refused, so the registration itself was never sent.
  assert.deepEqual(api.counts(), { users: 0, notes: 0, files: 0 });
  const requests = api.logs().filter((l) => l.msg === 'request').map((l) => `${l.method} ${l.path} ${l.status}`);
  assert.deepEqual(requests, ['OPTIONS /api/register 204']);
  // A simple GET needs no preflight: it reaches the server, but the page may not read the answer.
  const health = await page.evaluate((url) => fetch(`${url}/api/health`).then((r) => r.status, (err) => String(err)), api.url);
  assert.match(String(health), /TypeError: Failed to fetch/);
  assert.ok(api.logs().some((l) => l.msg === 'request' && l.path === '/api/health' && l.status === 200));
});
