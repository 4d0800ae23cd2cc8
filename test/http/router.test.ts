import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compile } from '../../src/http/router.ts';

test('compile: literal, :param and trailing * patterns', () => {
  const cases: Array<[string, string, Record<string, string> | null]> = [
    ['/api/login', '/api/login', {}],
    ['/api/login', '/api/login/', null],
    ['/api/login', '/api/loginx', null],
    ['/api/openapi.json', '/api/openapiXjson', null], // the dot is literal
    ['/a/:id', '/a/42', { id: '42' }],
    ['/a/:id', '/a/42/x', null],
    ['/a/:id', '/a/', null],
    ['/d/*', '/d/x.txt', { '*': 'x.txt' }],
    ['/d/*', '/d/../../etc/passwd', { '*': '../../etc/passwd' }],
    ['/d/*', '/d/', null],
  ];
  for (const [pattern, path, expected] of cases) {
    const { pattern: re, keys } = compile(pattern);
    const m = re.exec(path);
    if (expected === null) {
      assert.equal(m, null, `${pattern} must not match ${path}`);
      continue;
    }
    assert.ok(m, `${pattern} must match ${path}`);
    assert.deepEqual(Object.fromEntries(keys.map((k, i) => [k, m[i + 1]])), expected);
  }
});
