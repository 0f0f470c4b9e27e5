import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** Algorithm of shard checksums; the manifest stores `sha256:<hex>`. */
export const CHECKSUM_ALGORITHM = 'sha256';

/**
 * An incremental checksum in the manifest's `sha256:<hex>` form.
 *
 * @example
 * ```ts
 * const c = new Checksum(); c.update(bytes); c.digest() // 'sha256:…'
 * ```
 */
export class Checksum {
  private readonly hash: Hash = createHash(CHECKSUM_ALGORITHM);
  private bytes = 0;

  /** Adds bytes. */
  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
    this.bytes += chunk.byteLength;
  }

  /** Bytes seen so far. */
  get byteLength(): number {
    return this.bytes;
  }

  /** The final checksum string. */
  digest(): string {
    return `${CHECKSUM_ALGORITHM}:${this.hash.digest('hex')}`;
  }
}

/**
 * Checksums a file by streaming it in 1 MiB reads.
 *
 * @param path - the file.
 * @returns its checksum and size.
 */
export async function checksumFile(path: string): Promise<{ checksum: string; bytes: number }> {
  const fh = await open(path, 'r');
  const c = new Checksum();
  const buf = Buffer.allocUnsafe(1 << 20);
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      c.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  return { checksum: c.digest(), bytes: c.byteLength };
}
