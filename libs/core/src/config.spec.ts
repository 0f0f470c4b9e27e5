import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { loadConfigFile, parseConfigText, validateConfig } from './config';
import { ConfigError } from './errors';

const schema = z
  .object({
    name: z.string(),
    shards: z.object({ targetRows: z.number().int().positive().default(1000), compress: z.boolean().default(false) }).strict(),
    stages: z.array(z.object({ kind: z.enum(['sample', 'filter']), fraction: z.number().optional() }).strict()),
  })
  .strict();

describe('YAML config files', () => {
  it('parse and fill defaults', () => {
    const c = parseConfigText('name: demo\nshards: {}\nstages:\n  - kind: sample\n    fraction: 0.5\n', schema);
    expect(c).toEqual({ name: 'demo', shards: { targetRows: 1000, compress: false }, stages: [{ kind: 'sample', fraction: 0.5 }] });
  });

  it('name the field and the line of a value of the wrong type', () => {
    const text = 'name: demo\nshards:\n  targetRows: lots\nstages: []\n';
    expect(() => parseConfigText(text, schema, 'recipe.yaml')).toThrow(ConfigError);
    try {
      parseConfigText(text, schema, 'recipe.yaml');
    } catch (e) {
      expect(e).toMatchObject({ code: 'CORE_CONFIG_INVALID', field: 'shards.targetRows', line: 3, file: 'recipe.yaml' });
      expect((e as Error).message).toMatch(/^recipe\.yaml, line 3: field shards\.targetRows: .*number/);
    }
  });

  it('name an unknown key inside a list item', () => {
    const text = 'name: demo\nshards: {}\nstages:\n  - kind: sample\n  - kind: filter\n    fration: 0.3\n';
    expect(() => parseConfigText(text, schema, 'r.yaml')).toThrow(/line 6: field stages\.1\.fration: Unrecognized key/);
  });

  it('take overrides over the file, and say when a bad value came from them', () => {
    const text = 'name: demo\nshards: {targetRows: 10}\nstages: []\n';
    expect(parseConfigText(text, schema, 'r.yaml', { overrides: { name: 'cli' } }).name).toBe('cli');
    expect(() => parseConfigText(text, schema, 'r.yaml', { overrides: { name: 3 } })).toThrow(/^field name \(given on the command line, over r\.yaml\)/);
  });

  it('name the line of a YAML syntax error', () => {
    expect(() => parseConfigText('name: demo\nshards: {targetRows: 3\nstages: []\n', schema, 'r.yaml')).toThrow(/r\.yaml, line \d: YAML syntax error/);
  });

  it('report a missing file with its path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'winnow-cfg-'));
    try {
      await expect(loadConfigFile(join(dir, 'nope.yaml'), schema)).rejects.toMatchObject({ code: 'CORE_CONFIG_INVALID', file: join(dir, 'nope.yaml') });
      writeFileSync(join(dir, 'ok.yaml'), 'name: x\nshards: {targetRows: 5}\nstages: []\n');
      await expect(loadConfigFile(join(dir, 'ok.yaml'), schema)).resolves.toMatchObject({ shards: { targetRows: 5 } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('validateConfig', () => {
  it('names the field of options passed in code', () => {
    expect(() => validateConfig(schema.shape.shards, { targetRows: -1 }, 'shards')).toThrow(/^shards: field targetRows: /);
  });
});
