import { InvalidArgumentError } from 'commander';
import { finiteNumber, integerAtLeast, parseSize } from './parse';

describe('option parsers', () => {
  it('accepts integers at or above the bound and refuses the rest with the rule', () => {
    const workers = integerAtLeast(0);
    expect(workers('0')).toBe(0);
    expect(workers(' 16 ')).toBe(16);
    for (const bad of ['', '-1', '1.5', 'two', '1e400']) expect(() => workers(bad)).toThrow(InvalidArgumentError);
    expect(() => integerAtLeast(1)('0')).toThrow('expected an integer >= 1.');
  });

  it('reads finite numbers and leaves ranges to the stage config', () => {
    expect(finiteNumber('0.25')).toBe(0.25);
    expect(finiteNumber('2')).toBe(2);
    expect(() => finiteNumber('NaN')).toThrow('expected a number.');
    expect(() => finiteNumber('')).toThrow(InvalidArgumentError);
  });

  it('reads byte sizes with SI and binary units', () => {
    expect(parseSize('134217728')).toBe(134_217_728);
    expect(parseSize('128MiB')).toBe(128 * 1024 * 1024);
    expect(parseSize('100MB')).toBe(100_000_000);
    expect(parseSize('64 kB')).toBe(64_000);
    expect(parseSize('1.5GiB')).toBe(1.5 * 2 ** 30);
    for (const bad of ['0', '-5', '12 parsecs', 'MB']) expect(() => parseSize(bad)).toThrow(InvalidArgumentError);
  });
});
