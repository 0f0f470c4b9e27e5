import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { threadId } from 'node:worker_threads';

let counter = 0;

/**
 * A temporary name next to `path`, unique to this process and call, hidden from
 * shard listings (it starts with a dot and ends in `.tmp`).
 *
 * @param path - the final path.
 * @returns a sibling temporary path.
 */
export function temporaryPath(path: string): string {
  const dir = dirname(path);
  const base = path.slice(dir.length + 1);
  return `${dir}/.${base}.${process.pid}-${threadId}-${counter++}.tmp`;
}

/**
 * Writes a file atomically: to a temporary name, fsync, rename, fsync the folder.
 * A reader sees either the old file or the whole new one, never a part.
 *
 * @param path - the final path.
 * @param data - the bytes or text.
 * @example
 * ```ts
 * await writeFileAtomic('out/manifest.json', JSON.stringify(m))
 * ```
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = temporaryPath(path);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  await fsyncDir(dirname(path));
}

/** Synchronous twin of {@link writeFileAtomic}, for exit paths. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const tmp = temporaryPath(path);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/**
 * Flushes a folder's entries (a rename) to disk.
 *
 * @param dir - the folder.
 */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } catch {
    // some file systems refuse fsync on folders; the rename is still atomic.
  } finally {
    await fh.close();
  }
}
