import { createHash } from 'node:crypto';

/** Version of winnow's code recorded in every manifest and fingerprint. */
export const CODE_VERSION: string = (require('../package.json') as { version: string }).version;

/**
 * JSON with object keys sorted at every level, so equal values give equal text.
 *
 * @param value - any JSON-like value (`undefined` members are dropped, bigints become strings).
 * @returns canonical JSON.
 * @example
 * ```ts
 * stableStringify({ b: 1, a: [2, { d: 3, c: 4 }] }) // '{"a":[2,{"c":4,"d":3}],"b":1}'
 * ```
 */
export function stableStringify(value: unknown): string {
  return JSON.stringify(canonical(value));
}

function canonical(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonical(v);
    }
    return out;
  }
  return value;
}

/**
 * A short hex digest of canonical JSON: equal inputs, equal fingerprints.
 *
 * @param parts - what identifies the work (stage, version, config, inputs' fingerprints).
 * @returns 32 hex characters (128 bits of SHA-256).
 * @example
 * ```ts
 * fingerprint({ stage: 'reshard', config: { targetRows: 1000 }, inputs: ['ab12…'] })
 * ```
 */
export function fingerprint(parts: unknown): string {
  return createHash('sha256').update(stableStringify(parts)).digest('hex').slice(0, 32);
}
