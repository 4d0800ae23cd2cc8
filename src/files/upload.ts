import { createWriteStream, readdirSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { DomainError } from '../errors.ts';
import { allowedExtension, baseName, isStoredName, storedName } from './names.ts';

export interface Received { name: string; originalName: string; size: number }

/** Room for multipart framing and ignored small parts on top of the file itself. */
const OVERHEAD = 64 * 1024;

/**
 * Streams the `file` part of a multipart request into `dir`, counting bytes as they come,
 * and renames it into place once whole. On any failure (bad type, over `maxBytes`, broken
 * or aborted body, write error) the partial file is removed before the promise rejects.
 * Other parts, and `file` parts after the first, are read and thrown away.
 */
export function receiveUpload(req: IncomingMessage, dir: string, maxBytes: number): Promise<Received> {
  const declared = Number(req.headers['content-length']);
  if (declared > maxBytes + OVERHEAD) return Promise.reject(new DomainError('FileTooLarge'));
  let parser: busboy.Busboy;
  try {
    // fileSize is one over the limit because busboy reports reaching it, and exactly maxBytes is allowed.
    parser = busboy({ headers: req.headers, preservePath: true, defParamCharset: 'utf8', limits: { fileSize: maxBytes + 1, fields: 0, parts: 64 } });
  } catch (err) {
    return Promise.reject(new DomainError('NoFile', { cause: err }));
  }

  return new Promise((resolve, reject) => {
    let file: { stream: Readable; out: WriteStream; tmp: string; name: string; originalName: string; written: Promise<unknown> } | undefined;
    let settled = false;
    let received = 0;
    // Settles when the body has been read to its end, the client has gone, or the body passed the cap.
    const ended = new Promise<void>((done) => {
      req.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received <= maxBytes + OVERHEAD) return;
        req.pause();
        void fail(new DomainError('FileTooLarge'));
        done();
      });
      req.on('end', done).on('close', done);
    });

    // 1. stop parsing, 2. stop writing and remove the partial file, 3. read what is left of a
    // body within the cap (many clients only read an answer once they have sent everything), 4. answer.
    const fail = async (err: Error) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      if (file) {
        // Both ends, and wait for the file's own close: pipeline() does not settle when busboy's
        // file stream is destroyed after 'limit', so waiting on it would hang the request.
        file.stream.destroy();
        file.out.destroy();
        const out = file.out;
        if (!out.closed) await new Promise<void>((closed) => out.once('close', () => closed()));
        // Never throws: fail() runs unawaited, and the request must still get its answer.
        await rm(file.tmp, { force: true }).catch(() => {});
      }
      if (received <= maxBytes + OVERHEAD) req.resume(); // past the cap, reading stays stopped
      await ended;
      reject(err instanceof DomainError ? err : new DomainError('SaveFailed', { cause: err }));
    };

    parser.on('file', (field, stream, info) => {
      stream.on('error', () => {}); // errors surface through the pipeline or the parser
      // Well-formed, so the name answered is the name stored; a name that is only a path counts as none.
      const originalName = baseName(info.filename ?? '').toWellFormed();
      if (field !== 'file' || file !== undefined || settled || originalName === '') return void stream.resume();
      const ext = allowedExtension(originalName);
      if (ext === undefined) {
        stream.resume();
        return void fail(new DomainError('FileTypeNotAllowed'));
      }
      const name = storedName(ext);
      const tmp = join(dir, `.${name}.part`);
      const out = createWriteStream(tmp, { flags: 'wx' }).on('error', () => {}); // reported by the pipeline
      stream.on('limit', () => void fail(new DomainError('FileTooLarge')));
      file = { stream, out, tmp, name, originalName, written: pipeline(stream, out) };
      file.written.catch(fail);
    });
    parser.on('error', (err) => void fail(new DomainError('NoFile', { cause: err })));
    parser.on('close', async () => {
      if (settled) return;
      if (file === undefined) return void fail(new DomainError('NoFile'));
      try {
        await file.written;
        if (settled) return;
        const stored = join(dir, file.name);
        await rename(file.tmp, stored);
        // The client may have gone while the file was being moved: then nothing may stay.
        if (settled) return void (await rm(stored, { force: true }).catch(() => {}));
        settled = true;
        resolve({ name: file.name, originalName: file.originalName, size: file.out.bytesWritten });
      } catch (err) {
        void fail(err as Error);
      }
    });
    // Not req.complete: Node sets that once the body is parsed, while part of it may still wait
    // (backpressure) to be read; a client that then hangs up would leave the upload pending forever.
    req.on('close', () => {
      if (!req.readableEnded) void fail(new DomainError('ClientAborted'));
    });
    req.pipe(parser);
  });
}

/** Removes a stored file (an upload whose database record could not be written). */
export const removeStored = (dir: string, name: string) => rm(join(dir, name), { force: true });

/**
 * Removes partial files older than `ageMs` (left by a crash or kill -9: no request lives that
 * long), so a start-up cleans what a hard stop could not. Returns how many were removed.
 */
export function sweepPartial(dir: string, ageMs: number, nowMs: number): number {
  let removed = 0;
  for (const name of readdirSync(dir)) {
    if (!(name.startsWith('.') && name.endsWith('.part') && isStoredName(name.slice(1, -5)))) continue;
    const path = join(dir, name);
    if (nowMs - statSync(path).mtimeMs < ageMs) continue;
    rmSync(path, { force: true });
    removed++;
  }
  return removed;
}
