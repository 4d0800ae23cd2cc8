import { pipeline } from 'node:stream/promises';
import { DomainError } from '../errors.ts';
import { TYPES, isStoredName, openStored, receiveUpload, removeStored } from '../files/index.ts';
import type { Context } from './context.ts';
import { sendJson } from './context.ts';
import type { Deps } from './deps.ts';
import { HttpError } from './errors.ts';

/** RFC 5987/6266 `filename*` value: UTF-8, percent-encoded beyond the attr-char set. */
const encodeExtValue = (name: string) =>
  encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** A plain `filename=` for clients that do not read `filename*`: printable ASCII only. */
const asciiFallback = (name: string) => name.replace(/[^\x20-\x7e]|["\\%]/g, '_');

export function files({ config, store, now }: Deps) {
  const dir = config.uploadDir;
  return {
    async upload(ctx: Context) {
      const got = await receiveUpload(ctx.req, dir, config.maxUploadBytes);
      try {
        store.addFile({ name: got.name, userId: ctx.userId!, originalName: got.originalName, size: got.size, createdAt: now() });
      } catch (err) {
        await removeStored(dir, got.name);
        throw new DomainError('SaveFailed', { cause: err });
      }
      sendJson(ctx, 200, { message: 'File uploaded', filename: got.name, original_name: got.originalName });
    },

    async download(ctx: Context) {
      const name = ctx.params['*']!;
      if (!isStoredName(name)) throw new HttpError(400, 'Invalid filename');
      const record = store.findFile(ctx.userId!, name);
      const opened = record && (await openStored(dir, name));
      if (!opened) throw new HttpError(404, 'File not found');
      const headers = ctx.headers;
      headers['Content-Type'] = TYPES[name.slice(name.lastIndexOf('.') + 1)]!;
      headers['Content-Length'] = String(opened.size);
      headers['Content-Disposition'] = `attachment; filename="${asciiFallback(record.originalName)}"; filename*=UTF-8''${encodeExtValue(record.originalName)}`;
      headers['Content-Security-Policy'] = "default-src 'none'; sandbox";
      try {
        ctx.res.writeHead(200, headers);
        if (ctx.req.method === 'HEAD') return void ctx.res.end();
        // A client that stops reading would hold the file and the connection: cut it off.
        ctx.res.setTimeout(config.idleTimeoutMs);
        await pipeline(opened.stream, ctx.res);
      } catch (err) {
        // Every byte was handed over and the client hung up before the last acknowledgement
        // (curl does): that is a download done, not an interrupted one.
        if (opened.stream.bytesRead < opened.size) throw err;
      } finally {
        opened.stream.destroy(); // closes the file on every path: HEAD, a client already gone, a broken write
      }
    },
  };
}
