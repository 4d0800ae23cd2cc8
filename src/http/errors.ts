import { DomainError, type ErrorCode } from '../errors.ts';

export type Headers = Record<string, string>;

/** The one HTTP error: becomes `{"error": message}` with `status` at the edge. */
export class HttpError extends Error {
  status: number;
  headers: Headers | undefined;
  constructor(status: number, message: string, headers?: Headers, options?: ErrorOptions) {
    super(message, options);
    this.name = 'HttpError';
    this.status = status;
    this.headers = headers;
  }
}

export const BEARER: Headers = { 'WWW-Authenticate': 'Bearer' };

const DOMAIN: Record<ErrorCode, [number, string, Headers?]> = {
  InvalidToken: [401, 'Invalid token', BEARER],
  UsernameTaken: [409, 'Username already taken'],
  NoFile: [400, 'No file uploaded'],
  FileTypeNotAllowed: [400, 'File type not allowed'],
  FileTooLarge: [413, 'File too large'],
  SaveFailed: [500, 'Failed to save file'],
  ClientAborted: [400, 'Request aborted'],
};

/** Any thrown value as an HttpError; unknown errors become a bare 500 (the caller logs the cause). */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof DomainError) {
    const [status, message, headers] = DOMAIN[err.code];
    return new HttpError(status, message, headers, { cause: err });
  }
  return new HttpError(500, 'Internal server error', undefined, { cause: err });
}
