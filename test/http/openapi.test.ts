import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import type { Deps } from '../../src/http/deps.ts';
import { OPENAPI } from '../../src/http/openapi.ts';
import { routes } from '../../src/http/routes.ts';
import { startServer } from '../helpers.ts';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** The route table as "METHOD /path/{name}" (`:name` and a final `*` become OpenAPI parameters). */
function table(): string[] {
  const deps = { config: loadConfig({}), now: Date.now } as unknown as Deps; // building routes touches nothing else
  return routes(deps).map((r) => {
    const params = r.path.split('/').map((seg) => (seg === '*' ? `{${paramName(r.path)}}` : seg.replace(/^:(.+)$/, '{$1}')));
    return `${r.method} ${params.join('/')}`;
  });
}

/** The documented name of a `*` route's parameter: the one path parameter its OpenAPI entry declares. */
function paramName(path: string): string {
  const prefix = path.slice(0, -1);
  const entry = Object.keys(OPENAPI.paths).find((p) => p.startsWith(prefix) && /^\{\w+\}$/.test(p.slice(prefix.length)));
  return entry ? entry.slice(prefix.length + 1, -1) : '*';
}

function documented(): string[] {
  const paths = OPENAPI.paths as Record<string, Record<string, unknown>>;
  return Object.entries(paths).flatMap(([path, item]) => Object.keys(item).filter((k) => METHODS.includes(k)).map((m) => `${m.toUpperCase()} ${path}`));
}

test('OpenAPI documents every route of the table with its method, and nothing else', () => {
  assert.deepEqual(documented().sort(), table().sort());
});

test('OpenAPI: each path parameter is declared, each operation answers, each $ref resolves', () => {
  const paths = OPENAPI.paths as Record<string, Record<string, { parameters?: Array<{ name: string; in: string }>; responses: object; security?: unknown }>>;
  for (const [path, item] of Object.entries(paths)) {
    const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    for (const [method, op] of Object.entries(item)) {
      const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      assert.deepEqual(declared, names, `${method} ${path} path parameters`);
      assert.ok(Object.keys(op.responses).length > 0, `${method} ${path} responses`);
      assert.equal(op.security !== undefined, path.startsWith('/api/secure/'), `${method} ${path} security`);
    }
  }
  const refs = [...JSON.stringify(OPENAPI).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]!);
  assert.ok(refs.length > 0);
  for (const name of refs) assert.ok(name in OPENAPI.components.schemas, `$ref ${name}`);
});

test('GET /api/openapi.json serves the document, without authentication', async (t) => {
  const s = await startServer(t);
  const r = await s.request('/api/openapi.json');
  assert.equal(r.status, 200);
  assert.equal(r.body.openapi, '3.1.0');
  assert.deepEqual(r.body, JSON.parse(JSON.stringify(OPENAPI)));
});
