import type { IncomingMessage } from 'node:http';
import { DomainError } from '../errors.ts';
import { HttpError } from './errors.ts';

const tooLarge = () => new HttpError(413, 'Request body too large');

/** Reads the whole body, refusing it (413) past `limit` bytes: from Content-Length before reading, else while reading. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (err: Error | undefined) => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (err === undefined) resolve(Buffer.concat(chunks, size));
      else reject(err);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.pause();
      settle(tooLarge());
    };
    const onEnd = () => settle(undefined);
    const onError = (err: Error) => settle(new DomainError('ClientAborted', { cause: err }));
    const onClose = () => settle(new DomainError('ClientAborted'));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/** A JSON object body, whatever the Content-Type says: 400 for bad JSON, for anything but a non-empty object. */
export async function readJson(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const text = (await readBody(req, limit)).toString('utf8');
  if (text.trim() === '') throw new HttpError(400, 'JSON body required');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'Invalid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.keys(value).length === 0) {
    throw new HttpError(400, 'JSON body required');
  }
  return value as Record<string, unknown>;
}
