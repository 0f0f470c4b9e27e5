import { readFile } from 'node:fs/promises';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './errors';

/**
 * Validates a value against a zod schema; the error names the first bad field.
 *
 * @param schema - the zod schema.
 * @param value - the value (e.g. CLI options).
 * @param what - what is being validated, for the message (e.g. `sample options`).
 * @returns the parsed value with defaults.
 * @throws ConfigError naming the field, the expected type and what was found.
 * @example
 * ```ts
 * const opts = validateConfig(z.object({ fraction: z.number().gt(0).lte(1) }), { fraction: 2 }, 'sample')
 * // ConfigError: sample: field fraction: Too big: expected number to be <=1
 * ```
 */
export function validateConfig<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issuePath(issue).map(String).join('.');
  throw new ConfigError(`${what}: ${field ? `field ${field}: ` : ''}${issue.message}.`, { field });
}

/**
 * Reads a YAML config file and validates it; errors name the file, the line
 * and the field.
 *
 * @param path - the YAML file.
 * @param schema - the zod schema it must satisfy.
 * @returns the parsed config with defaults.
 * @throws ConfigError for unreadable files, YAML syntax errors and invalid fields.
 * @example
 * ```ts
 * const recipe = await loadConfigFile('recipe.yaml', recipeSchema)
 * ```
 */
export async function loadConfigFile<S extends z.ZodType>(path: string, schema: S, options: ConfigOverrides = {}): Promise<z.output<S>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read the config file (${(e as Error).message}).`, { file: path, cause: e });
  }
  return parseConfigText(text, schema, path, options);
}

/** Values that replace top-level keys of a config file (e.g. command-line options). */
export interface ConfigOverrides {
  /** Top-level key to value; these win over the file. */
  overrides?: Record<string, unknown>;
}

/**
 * Parses YAML text and validates it (see {@link loadConfigFile}).
 *
 * @param text - YAML.
 * @param schema - the zod schema.
 * @param file - name for messages.
 * @param options - overrides of top-level keys (named as such in errors).
 * @returns the parsed config.
 */
export function parseConfigText<S extends z.ZodType>(text: string, schema: S, file = '<config>', options: ConfigOverrides = {}): z.output<S> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const syntax = doc.errors[0];
  if (syntax !== undefined) {
    const line = lineCounter.linePos(syntax.pos[0]).line;
    throw new ConfigError(`YAML syntax error: ${syntax.message.split('\n')[0]}`, { file, line, cause: syntax });
  }
  const overrides = options.overrides ?? {};
  const fromFile: unknown = doc.toJS();
  const value =
    Object.keys(overrides).length === 0
      ? fromFile
      : { ...(fromFile !== null && typeof fromFile === 'object' ? (fromFile as Record<string, unknown>) : {}), ...overrides };
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issuePath(issue).map((p) => (typeof p === 'symbol' ? String(p) : p));
  const field = path.join('.');
  if (path.length > 0 && Object.hasOwn(overrides, String(path[0]))) {
    throw new ConfigError(`field ${field} (given on the command line, over ${file}): ${issue.message}.`, { field });
  }
  // point at the deepest node that exists on the path
  let line: number | undefined;
  for (let n = path.length; n >= 0 && line === undefined; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) line = lineCounter.linePos(node.range[0]).line;
  }
  throw new ConfigError(`field ${field || '(root)'}: ${issue.message}.`, { file, field, ...(line === undefined ? {} : { line }) });
}

/** The path of a zod issue; for unknown keys, down to the first unknown key (so its line can be found). */
function issuePath(issue: z.core.$ZodIssue): PropertyKey[] {
  return issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined ? [...issue.path, issue.keys[0]] : issue.path;
}
