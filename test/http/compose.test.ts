import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compose } from '../../src/http/compose.ts';
import type { Context, Middleware } from '../../src/http/context.ts';

const ctx = {} as Context;

test('compose runs middleware as an onion', async () => {
  const order: string[] = [];
  const mw = (name: string): Middleware => async (_ctx, next) => {
    order.push(`${name} in`);
    await next();
    order.push(`${name} out`);
  };
  await compose([mw('a'), mw('b'), () => void order.push('handler')])(ctx);
  assert.deepEqual(order, ['a in', 'b in', 'handler', 'b out', 'a out']);
});

test('compose stops when a middleware does not call next', async () => {
  let reached = false;
  await compose([() => {}, () => void (reached = true)])(ctx);
  assert.equal(reached, false);
});

test('compose rejects next() called twice', async () => {
  const twice: Middleware = async (_ctx, next) => {
    await next();
    await next();
  };
  await assert.rejects(compose([twice, () => {}])(ctx), /next\(\) called more than once/);
});

test('compose passes thrown errors, sync or async, to the caller', async () => {
  await assert.rejects(compose([() => { throw new Error('sync'); }])(ctx), /sync/);
  await assert.rejects(compose([async () => { throw new Error('async'); }])(ctx), /async/);
});
