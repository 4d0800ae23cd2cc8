import { Worker } from 'node:worker_threads';
import { DomainError } from '../errors.ts';
import type { Job, Reply } from './bcrypt-worker.ts';

type Pending = { job: Job; signal: AbortSignal | undefined; resolve: (value: string | boolean) => void; reject: (err: Error) => void };
type Slot = { worker: Worker; busy: Pending | undefined };

/** Every job takes an optional signal: a job still queued when it aborts (its client has gone) is dropped. */
export interface Passwords {
  hash(password: string, signal?: AbortSignal): Promise<string>;
  /**
   * Compares against `hash`, or against a dummy hash when the user is unknown, so both take as long.
   * False for a password over MAX_PASSWORD_BYTES: no account has one, though bcrypt would match its first 72 bytes.
   */
  verify(password: string, hash: string | undefined, signal?: AbortSignal): Promise<boolean>;
  close(): Promise<void>;
}

/** bcrypt reads only this many bytes of a password; longer ones are refused, never cut short. */
export const MAX_PASSWORD_BYTES = 72;

const WORKER = new URL('./bcrypt-worker.ts', import.meta.url);

/** bcrypt on a pool of `size` worker threads, started on first use; jobs wait in one queue. */
export function createPasswords(cost: number, size: number): Passwords {
  const slots: Slot[] = [];
  const queue: Pending[] = [];
  // For unknown users: a well-formed hash at the same cost (all-zero salt), so comparing with
  // it takes as long as with a real one, without a hash job to make it first.
  const dummy = `$2b$${String(cost).padStart(2, '0')}$${'.'.repeat(53)}`;

  const start = (): Slot => {
    const slot: Slot = { worker: new Worker(WORKER), busy: undefined };
    slot.worker.unref();
    slot.worker.on('message', (reply: Reply) => {
      const done = slot.busy;
      slot.busy = undefined;
      if (done && reply.ok) done.resolve(reply.value);
      else done?.reject(new Error(reply.ok ? 'bcrypt worker reply without a job' : reply.error));
      pump();
    });
    // A worker that dies fails its job and is replaced on the next pump.
    slot.worker.on('error', (err) => slot.busy?.reject(err));
    slot.worker.on('exit', () => {
      slot.busy?.reject(new Error('bcrypt worker exited'));
      slots.splice(slots.indexOf(slot), 1);
      pump();
    });
    slots.push(slot);
    return slot;
  };

  const pump = () => {
    while (queue.length > 0) {
      if (queue[0]!.signal?.aborted) {
        queue.shift()!.reject(new DomainError('ClientAborted'));
        continue;
      }
      const slot = slots.find((s) => s.busy === undefined) ?? (slots.length < size ? start() : undefined);
      if (slot === undefined) return;
      slot.busy = queue.shift()!;
      slot.worker.postMessage(slot.busy.job);
    }
  };

  const run = (job: Job, signal: AbortSignal | undefined) =>
    new Promise<string | boolean>((resolve, reject) => {
      queue.push({ job, signal, resolve, reject });
      pump();
    });

  const hash = async (password: string, signal?: AbortSignal) => (await run({ op: 'hash', password, cost }, signal)) as string;
  return {
    hash,
    async verify(password, stored, signal) {
      const ok = (await run({ op: 'compare', password, hash: stored ?? dummy }, signal)) as boolean;
      return ok && stored !== undefined && Buffer.byteLength(password) <= MAX_PASSWORD_BYTES;
    },
    async close() {
      queue.length = 0;
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
