import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DatasetNotFoundError, ManifestError, SchemaVersionError } from './errors';
import { writeFileAtomic } from './fs-atomic';
import { COLUMN_TYPES, SCHEMA_VERSION, type ColumnSpec } from './schema';

/** File name of a dataset's manifest. */
export const MANIFEST_FILE = 'manifest.json';
/** Folder of a dataset's shards. */
export const SHARDS_DIR = 'shards';

const columnSchema = z.object({
  name: z.string().min(1),
  type: z.enum(COLUMN_TYPES as unknown as [string, ...string[]]),
  nullable: z.boolean().optional(),
  description: z.string().optional(),
});

const shardSchema = z.object({
  file: z.string().regex(/^shards\/[^/]+\.arrow$/),
  rows: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  checksum: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  batches: z.number().int().nonnegative(),
});

const stageSchema = z.object({
  name: z.string(),
  version: z.string(),
  config: z.unknown(),
  fingerprint: z.string(),
});

/** zod schema of `manifest.json`. */
export const manifestSchema = z.object({
  format: z.literal('winnow.dataset'),
  schemaVersion: z.number().int(),
  kind: z.string(),
  createdAt: z.string(),
  codeVersion: z.string(),
  stage: stageSchema,
  inputs: z.array(z.object({ path: z.string(), fingerprint: z.string() })),
  columns: z.array(columnSchema),
  shards: z.array(shardSchema),
  rows: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  ledger: z.string().optional(),
  quarantine: z.string().optional(),
  stats: z.record(z.string(), z.unknown()),
});

/** One shard's entry in the manifest. */
export type ShardEntry = z.infer<typeof shardSchema>;
/** The stage that wrote a dataset. */
export type StageRecord = z.infer<typeof stageSchema>;
/**
 * A dataset's `manifest.json`: schema version, the stage that wrote it (name,
 * version, config, fingerprint), its inputs, columns, shards and summary stats.
 */
export type Manifest = Omit<z.infer<typeof manifestSchema>, 'columns'> & {
  columns: ColumnSpec[];
};

/**
 * Reads and validates a dataset's manifest.
 *
 * @param dir - the dataset folder.
 * @returns the manifest.
 * @throws DatasetNotFoundError when there is none; ManifestError when it is invalid.
 * @example
 * ```ts
 * const m = await readManifest('datasets/spamassassin')
 * ```
 */
export async function readManifest(dir: string): Promise<Manifest> {
  const file = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new DatasetNotFoundError(dir, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ManifestError(file, `not JSON (${(e as Error).message})`, { cause: e });
  }
  const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version !== SCHEMA_VERSION) throw new SchemaVersionError(file, version, SCHEMA_VERSION);
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ManifestError(file, `field ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data as Manifest;
}

/**
 * Writes a manifest atomically (the last step of writing a dataset).
 *
 * @param dir - the dataset folder.
 * @param manifest - the manifest.
 */
export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  await writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * File name of the shard with sequence number `seq`: `shards/part-00000.arrow`.
 *
 * @param seq - the 0-based shard number.
 * @returns the path relative to the dataset folder.
 */
export function shardFileName(seq: number): string {
  return `${SHARDS_DIR}/part-${String(seq).padStart(5, '0')}.arrow`;
}
