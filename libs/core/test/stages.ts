/**
 * A stage used by core's tests to exercise the ledger and quarantine paths:
 * it parses each document's `meta` JSON, quarantines documents whose meta is
 * not valid JSON, drops documents under a word count, and adds a `meta_keys`
 * signal. It runs on real worker threads like any stage.
 */
import { z } from 'zod';
import type { StageDefinition } from '../src';

const config = z.object({ minWords: z.number().int().nonnegative().default(0), slowMs: z.number().int().nonnegative().default(0) }).strict();

export const metaStage: StageDefinition<z.output<typeof config>> = {
  name: 'meta-check',
  version: '1',
  description: 'test stage: parse meta JSON, quarantine bad meta, drop short documents',
  config,
  columns: (inputs) => [...inputs[0]!.manifest.columns, { name: 'meta_keys', type: 'int32', nullable: true }],
  async run(ctx) {
    let line = 0;
    for await (const row of ctx.rows()) {
      line++;
      if (ctx.config.slowMs > 0) await new Promise((r) => setTimeout(r, ctx.config.slowMs));
      let keys: number | null = null;
      if (typeof row['meta'] === 'string') {
        try {
          keys = Object.keys(JSON.parse(row['meta']) as object).length;
        } catch (e) {
          ctx.quarantine({ source: String(row['source']), line, code: 'TEST_BAD_META', message: (e as Error).message, raw: row['meta'] });
          continue;
        }
      }
      const words = String(row['text']).split(/\s+/).filter(Boolean).length;
      if (words < ctx.config.minWords) {
        ctx.remove({ id: String(row['id']), reason: 'min_words', signals: { words, min: ctx.config.minWords }, text: String(row['text']) });
        ctx.count('short');
        continue;
      }
      ctx.emit({ ...row, meta_keys: keys });
    }
  },
};
