import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import fg from 'fast-glob';
import { IngestError, INGEST_CODES } from './errors';
import { headUrl, readUrlChunks } from './http';
import { readFileChunks } from './decode';

/** An input file found from the command line's inputs. */
export interface InputFile {
  /** Absolute path, or an http(s) URL. */
  path: string;
  /** Size in bytes (0 when a server does not say). */
  size: number;
  /** Modification time, so a changed file changes the run's fingerprint (0 for URLs). */
  mtimeMs: number;
  /** For URLs: the ETag or Last-Modified, so a changed resource changes the fingerprint. */
  version?: string | null;
}

/** Whether an input names an http(s) URL. */
export function isUrl(input: string): boolean {
  return /^https?:\/\//i.test(input);
}

/**
 * The bytes of an input: a local file read in 1 MiB chunks, or a URL streamed with retries and resumption.
 *
 * @param path - absolute path or URL.
 * @returns the raw (possibly compressed) bytes.
 */
export function openInput(path: string): AsyncGenerator<Uint8Array> {
  return isUrl(path) ? readUrlChunks(path) : readFileChunks(path);
}

/** Hidden files and our own bookkeeping are never inputs. */
const IGNORE = ['**/.*', '**/.*/**', '**/manifest.json', '**/*.arrow'];

/**
 * Expands inputs (files, folders, globs, http(s) URLs) into a sorted, de-duplicated list.
 * Folders are walked recursively; hidden files are skipped; a URL is asked its size and version (HEAD).
 *
 * @param inputs - paths, folders or glob patterns.
 * @returns the files, sorted by path.
 * @throws IngestError `INGEST_SOURCE_NOT_FOUND` naming an input that matches nothing.
 * @example
 * ```ts
 * const files = await resolveInputs(['corpus/', 'extra/*.jsonl.gz'])
 * ```
 */
export async function resolveInputs(inputs: readonly string[]): Promise<InputFile[]> {
  const found = new Map<string, InputFile>();
  for (const input of inputs) {
    if (isUrl(input)) {
      const info = await headUrl(input);
      found.set(input, { path: input, size: info.size ?? 0, mtimeMs: 0, version: info.version });
      continue;
    }
    const abs = resolve(input);
    const st = await stat(abs).catch(() => null);
    let paths: string[];
    if (st?.isFile()) paths = [abs];
    else if (st?.isDirectory()) paths = await fg('**/*', { cwd: abs, absolute: true, onlyFiles: true, ignore: IGNORE, dot: false });
    else if (fg.isDynamicPattern(input)) paths = await fg(input, { absolute: true, onlyFiles: true, ignore: IGNORE, dot: false });
    else paths = [];
    if (paths.length === 0) {
      throw new IngestError(INGEST_CODES.sourceNotFound, `no input file matches "${input}".`, {
        file: input,
        hint: 'Check the path; folders are read recursively and globs like "data/**/*.jsonl.gz" are expanded.',
      });
    }
    for (const p of paths) {
      if (found.has(p)) continue;
      const s = p === abs && st ? st : await stat(p);
      found.set(p, { path: p, size: s.size, mtimeMs: Math.floor(s.mtimeMs) });
    }
  }
  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
