import type { ReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';

/** The stored file `name` in `dir`, opened for streaming, or undefined when it is gone. */
export async function openStored(dir: string, name: string): Promise<{ stream: ReadStream; size: number } | undefined> {
  let handle;
  try {
    handle = await open(join(dir, name), 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const { size } = await handle.stat();
    return { stream: handle.createReadStream(), size };
  } catch (err) {
    await handle.close();
    throw err;
  }
}
