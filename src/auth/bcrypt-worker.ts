// One bcrypt job at a time, off the event loop. Runs at lower CPU priority than the
// main thread so that hashing storms do not starve request handling.
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import bcrypt from 'bcryptjs';

export type Job = { op: 'hash'; password: string; cost: number } | { op: 'compare'; password: string; hash: string };
export type Reply = { ok: true; value: string | boolean } | { ok: false; error: string };

try {
  setPriority(10); // on Linux this is the calling thread only
} catch {
  // not permitted here: run at normal priority
}

parentPort?.on('message', (job: Job) => {
  let reply: Reply;
  try {
    const value = job.op === 'hash' ? bcrypt.hashSync(job.password, job.cost) : bcrypt.compareSync(job.password, job.hash);
    reply = { ok: true, value };
  } catch (err) {
    reply = { ok: false, error: String(err) };
  }
  parentPort?.postMessage(reply);
});
