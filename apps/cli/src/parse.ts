/**
 * Parsers for option values: they turn the text into a value or throw
 * commander's InvalidArgumentError, which commander reports naming the option
 * (`error: option '--workers <n>' argument 'x' is invalid. expected ...`).
 */
import { InvalidArgumentError } from 'commander';

/**
 * An integer parser with a lower bound.
 *
 * @param min - the smallest value allowed.
 * @returns the parser.
 * @example
 * ```ts
 * new Option('--workers <n>').argParser(integerAtLeast(0))
 * ```
 */
export function integerAtLeast(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value.trim());
    if (value.trim() === '' || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}.`);
    return n;
  };
}

/**
 * Parses a finite number (range checks belong to the stage's config schema).
 *
 * @param value - the text.
 * @returns the number.
 * @example
 * ```ts
 * new Option('--fraction <f>').argParser(finiteNumber)
 * ```
 */
export function finiteNumber(value: string): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number.');
  return n;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30 };

/**
 * Parses a byte size: `134217728`, `128MiB`, `100MB`, `64kB` (kB/MB/GB are
 * powers of 1000, KiB/MiB/GiB powers of 1024).
 *
 * @param value - the text.
 * @returns bytes, a positive integer.
 * @example
 * ```ts
 * parseSize('128MiB') // 134217728
 * ```
 */
export function parseSize(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = SIZE_UNITS[(m?.[2] ?? '').toLowerCase()];
  const n = m === null || unit === undefined ? Number.NaN : Math.round(Number(m[1]) * unit);
  if (!(Number.isSafeInteger(n) && n > 0))
    throw new InvalidArgumentError('expected a positive size in bytes, e.g. 134217728, 128MiB or 100MB.');
  return n;
}
