import type { LogLevel } from './config.ts';

export type LogFields = Record<string, unknown>;
export type LogFn = (msg: string, fields?: LogFields) => void;
export interface Logger { debug: LogFn; info: LogFn; warn: LogFn; error: LogFn; flush(): void }

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const off: LogFn = () => {};

/**
 * JSON lines. Lines are gathered and written once per event-loop turn, so a busy server
 * makes one write per turn instead of one per request; `flush()` writes at once (exit).
 */
export function createLogger(level: LogLevel, write: (chunk: string) => void = (s) => process.stdout.write(s)): Logger {
  let pending = '';
  const flush = () => {
    if (pending === '') return;
    const chunk = pending;
    pending = '';
    write(chunk);
  };
  const at = (name: LogLevel): LogFn => {
    if (RANK[name] < RANK[level]) return off;
    return (msg, fields) => {
      if (pending === '') setImmediate(flush);
      pending += JSON.stringify({ time: new Date().toISOString(), level: name, msg, ...fields }) + '\n';
    };
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), flush };
}

/** What a log line may say about an error: name, code, message, and the stack only in debug mode. */
export function describeError(err: unknown, debug: boolean): LogFields {
  if (!(err instanceof Error)) return { error: String(err) };
  const code = (err as { code?: unknown }).code;
  return { error: err.message, name: err.name, ...(code === undefined ? {} : { code }), ...(debug ? { stack: err.stack } : {}) };
}
