import { randomUUID } from 'node:crypto';

/** Allowed extensions and the Content-Type each is served with. */
export const TYPES: Readonly<Record<string, string>> = {
  txt: 'text/plain; charset=utf-8',
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

const STORED = /^[0-9a-f]{32}\.(txt|pdf|png|jpg|jpeg|gif|doc|docx)$/;

/** The allowed extension of a client's file name (after the last dot, lower-cased), or undefined. */
export function allowedExtension(filename: string): string | undefined {
  const dot = filename.lastIndexOf('.');
  const ext = dot === -1 ? '' : filename.slice(dot + 1).toLowerCase();
  return Object.hasOwn(TYPES, ext) ? ext : undefined;
}

/** A fresh stored name: `<uuid4 hex>.<ext>`. */
export const storedName = (ext: string) => `${randomUUID().replaceAll('-', '')}.${ext}`;

/** True for names this server could have made; nothing else ever reaches the file system. */
export const isStoredName = (name: string) => STORED.test(name);

/** The client's base name: anything before the last `/` or `\` dropped. */
export const baseName = (filename: string) => filename.slice(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
