// Assertions shared by the hostile suites: the contract's error shape, and "nothing happened".
import assert from 'node:assert/strict';
import type { RawReply, Reply, TestServer } from '../helpers.ts';

const header = (r: Reply | RawReply, name: string) =>
  r.headers instanceof Headers ? r.headers.get(name) : (r.headers as Record<string, string>)[name.toLowerCase()];

/** A JSON error exactly as the contract says, with the hardening headers every JSON response carries. */
export function assertError(r: Reply | RawReply, status: number, message: string, label = ''): void {
  assert.equal(r.status, status, `${label}: status (${r.text})`);
  assert.deepEqual(r.body, { error: message }, `${label}: body`);
  assert.equal(header(r, 'x-content-type-options'), 'nosniff', `${label}: nosniff`);
  assert.equal(header(r, 'cache-control'), 'no-store', `${label}: no-store`);
}

/** No 5xx, and a 4xx (our JSON error, or Node's own bare one for malformed HTTP). */
export function assertClientError(r: Reply | RawReply, label = ''): void {
  assert.ok(r.status >= 400 && r.status < 500, `${label}: expected a 4xx, got ${r.status} ${r.text}`);
  if (r.text !== '') assert.equal(typeof r.body?.error, 'string', `${label}: JSON error body`);
}

/** The server still answers a normal request, and the upload dir and every table are as `before`. */
export async function assertIntact(s: TestServer, before: ReturnType<TestServer['snapshot']>, label = ''): Promise<void> {
  const health = await s.request('/api/health');
  assert.equal(health.status, 200, `${label}: server still answers`);
  assert.deepEqual(s.snapshot(), before, `${label}: upload dir and rows unchanged`);
}

/** Polls `check` until it stops throwing or `deadlineMs` passes (then rethrows): for clean-up that follows a hang-up. */
export async function eventually(check: () => void, deadlineMs = 5000): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      return check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Payload of one of our tokens. */
export const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
