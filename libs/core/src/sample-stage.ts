import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { StageDefinition } from './stage';

/** Config of the {@link sampleStage}. */
export const sampleConfig = z
  .object({
    /** Fraction of rows to keep, in (0, 1]. */
    fraction: z.number().gt(0).lte(1),
    /** Seed of the keep decision. */
    seed: z.number().int().nonnegative().default(0),
    /** Column whose value decides (default `id`): the same id is kept or dropped in every run and split. */
    key: z.string().min(1).default('id'),
  })
  .strict();

/** {@link sampleConfig} after defaults. */
export type SampleConfig = z.output<typeof sampleConfig>;

/**
 * The keep draw of a row: a uniform number in [0, 1) from the seed and the
 * key, so the decision does not depend on order, sharding or worker count.
 *
 * @param seed - the seed.
 * @param key - the row's key value.
 * @returns u in [0, 1).
 * @example
 * ```ts
 * sampleDraw(1, 'doc-42') < 0.1 // kept by a 10% sample with seed 1
 * ```
 */
export function sampleDraw(seed: number, key: string): number {
  const h = createHash('sha256').update(`${seed}\0${key}`).digest();
  // 53 random bits -> [0, 1)
  return (h.readUInt32BE(0) * 2 ** 21 + (h.readUInt32BE(4) >>> 11)) / 2 ** 53;
}

/**
 * `sample`: keeps a seeded, deterministic fraction of rows; the others go to the
 * ledger with reason `sample` and their draw. Columns pass through unchanged.
 * Useful for quick experiments and for the random-subset baseline of pruning audits.
 */
export const sampleStage: StageDefinition<SampleConfig> = {
  name: 'sample',
  version: '1',
  description: 'keep a seeded random fraction of rows (decided per row from its key, so any split gives the same rows)',
  config: sampleConfig,
  columns: (inputs) => {
    const first = inputs[0];
    if (first === undefined) throw new RangeError('sample needs one input dataset.');
    return first.manifest.columns;
  },
  async run(ctx) {
    const { fraction, seed, key } = ctx.config;
    for await (const row of ctx.rows()) {
      const value = row[key];
      const u = sampleDraw(seed, String(value));
      if (u < fraction) {
        ctx.emit(row);
      } else {
        ctx.remove({
          id: String(row['id'] ?? value),
          reason: 'sample',
          signals: { sample_u: u, fraction, seed },
          source: typeof row['source'] === 'string' ? row['source'] : null,
          text: typeof row['text'] === 'string' ? row['text'] : null,
        });
      }
    }
  },
};
