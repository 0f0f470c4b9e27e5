import { basename, dirname, relative, sep } from 'node:path';
import { z } from 'zod';
import { documentColumns, WinnowError, type StageDefinition, type TaskSlice } from '@winnow/core';
import { decode, type Compression } from './decode';
import { INGEST_CODES } from './errors';
import { readJsonl } from './jsonl';
import type { ReadResult } from './records';
import { isUrl, openInput, type InputFile } from './sources';
import { readText } from './text';
import { readWarc } from './warc';

/** Input formats the stage reads. */
export const INGEST_FORMATS = ['auto', 'warc', 'jsonl', 'text'] as const;

const fileSchema = z.object({
  /** Absolute path or http(s) URL. */
  path: z.string(),
  /** Name used as `source` and in default ids: the path relative to the inputs' common folder. */
  name: z.string(),
  size: z.number().int().nonnegative(),
  mtimeMs: z.number(),
  version: z.string().nullable().optional(),
});

/** Config of the {@link ingestStage}. */
export const ingestConfig = z
  .object({
    files: z.array(fileSchema).min(1),
    format: z.enum(INGEST_FORMATS).default('auto'),
    textField: z.string().min(1).default('text'),
    idField: z.string().min(1).default('id'),
    urlField: z.string().min(1).default('url'),
    maxRecordBytes: z
      .number()
      .int()
      .positive()
      .default(64 * 1024 * 1024),
    /** Input bytes per task: small files are grouped, a large file is a task of its own. */
    taskBytes: z
      .number()
      .int()
      .positive()
      .default(64 * 1024 * 1024),
  })
  .strict();

/** {@link ingestConfig} after defaults. */
export type IngestConfig = z.output<typeof ingestConfig>;
/** One input file in the config. */
export type IngestFile = z.output<typeof fileSchema>;

/**
 * Names input files by their path relative to the folder they all share, so
 * ids and `source` values do not depend on where the corpus sits.
 *
 * @param files - resolved input files.
 * @returns the files with names.
 */
export function nameInputFiles(files: readonly InputFile[]): IngestFile[] {
  if (files.length === 0) return [];
  // URLs are named by themselves; local files relative to the folder they share
  const local = files.filter((f) => !isUrl(f.path));
  let root = local[0] === undefined ? '/' : dirname(local[0].path);
  for (const f of local) while (!(f.path.startsWith(root + sep) || root === dirname(root))) root = dirname(root);
  return files.map((f) => ({ ...f, name: isUrl(f.path) ? f.path : local.length === 1 ? basename(f.path) : relative(root, f.path) }));
}

/** A format the stage reads (after `auto` is resolved). */
export type IngestFormat = Exclude<(typeof INGEST_FORMATS)[number], 'auto'>;

/**
 * The format of a file: a WARC by its content (`WARC/` first), else by its name
 * without compression suffixes, else JSONL when the content starts with `{`.
 *
 * @param name - file name.
 * @param head - the first decompressed bytes (may be empty).
 * @returns the format.
 * @example
 * ```ts
 * guessFormat('CC-MAIN-…-00000.warc.gz', bytes) // 'warc'
 * ```
 */
export function guessFormat(name: string, head: Uint8Array): IngestFormat {
  if (Buffer.from(head.subarray(0, 5)).toString('latin1') === 'WARC/') return 'warc';
  const bare = name.toLowerCase().replace(/\.(gz|gzip|zst|zstd)$/, '');
  if (/\.(warc|wet|arc)$/.test(bare)) return 'warc';
  if (/\.(jsonl|ndjson|json)$/.test(bare)) return 'jsonl';
  if (/\.(txt|text|md)$/.test(bare)) return 'text';
  const first = head.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf);
  return first === 0x7b ? 'jsonl' : 'text';
}

function planFiles(files: readonly IngestFile[], taskBytes: number): TaskSlice[] {
  const tasks: TaskSlice[] = [];
  let current: IngestFile[] = [];
  let bytes = 0;
  for (const f of files) {
    if (current.length > 0 && bytes + f.size > taskBytes) {
      tasks.push({ shards: [], items: current, bytes });
      current = [];
      bytes = 0;
    }
    current.push(f);
    bytes += f.size;
  }
  if (current.length > 0) tasks.push({ shards: [], items: current, bytes });
  return tasks;
}

/**
 * `ingest`: reads input files (JSON Lines or plain text, gzip / zstd / plain by
 * magic bytes) into document rows. Bad records (invalid UTF-8, malformed JSON,
 * a missing text field, an oversized record, an empty file, a truncated or
 * corrupt compressed stream) are quarantined with their source, line and byte
 * offset under `--on-error skip`, or stop the run under `fail`.
 */
export const ingestStage: StageDefinition<IngestConfig> = {
  name: 'ingest',
  version: '1',
  description: 'read WARC/WET, JSONL and text files (gzip, zstd or plain) into documents',
  config: ingestConfig,
  columns: () => documentColumns(),
  plan: (_inputs, config) => planFiles(config.files, config.taskBytes),
  async run(ctx) {
    for (const item of ctx.slice.items ?? []) {
      const file = item as IngestFile;
      ctx.count('files');
      let compression: Compression = 'none';
      let decodedBytes = 0;
      async function* raw(): AsyncGenerator<Uint8Array> {
        for await (const chunk of openInput(file.path)) {
          ctx.progress({ bytes: chunk.length });
          yield chunk;
        }
      }
      async function* decoded(): AsyncGenerator<Uint8Array> {
        for await (const chunk of decode(raw(), { source: file.name, onCompression: (c) => (compression = c) })) {
          decodedBytes += chunk.length;
          yield chunk;
        }
      }
      const bytes = decoded();
      let format: IngestFormat = ctx.config.format === 'auto' ? guessFormat(file.name, new Uint8Array(0)) : ctx.config.format;
      let documents = 0;
      let failed = false;
      try {
        // peek the first chunk to choose the reader when the name does not tell
        const head = await bytes.next();
        if (ctx.config.format === 'auto') format = guessFormat(file.name, head.done === true ? new Uint8Array(0) : head.value);
        const stream = prepend(head, bytes);
        const results: AsyncIterable<ReadResult> =
          format === 'warc'
            ? readWarc(stream, {
                source: file.name,
                maxRecordBytes: ctx.config.maxRecordBytes,
                onSkip: (reason) => ctx.count(`skipped_${reason}`),
              })
            : format === 'jsonl'
              ? readJsonl(stream, {
                  source: file.name,
                  textField: ctx.config.textField,
                  idField: ctx.config.idField,
                  urlField: ctx.config.urlField,
                  maxRecordBytes: ctx.config.maxRecordBytes,
                })
              : readText(stream, { source: file.name, maxRecordBytes: ctx.config.maxRecordBytes });
        for await (const r of results) {
          ctx.progress({ rows: 1 });
          if (r.ok) {
            ctx.emit({ ...r.doc, source: file.name });
            documents++;
          } else {
            ctx.quarantine(r.bad);
          }
        }
      } catch (e) {
        // a stream that cannot be read on (truncated gzip, ...): keep what was read, quarantine the rest
        if (!(e instanceof WinnowError) || ctx.onError === 'fail') throw e;
        failed = true;
        ctx.quarantine({ source: file.name, offset: e.offset ?? null, code: e.code, message: e.message });
      }
      if (decodedBytes === 0 && !failed) {
        ctx.quarantine({ source: file.name, offset: 0, code: INGEST_CODES.emptyFile, message: 'the file is empty.' });
      }
      ctx.count(`format_${format}`);
      ctx.count(`compression_${compression}`);
      ctx.count('documents', documents);
    }
  },
};

async function* prepend(head: IteratorResult<Uint8Array>, rest: AsyncGenerator<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (head.done === true) return;
  yield head.value;
  yield* rest;
}
