import { makeData, RecordBatch, Struct, Uint16, Uint32, type Data, type Schema } from 'apache-arrow';
import { SchemaMismatchError } from './errors';
import { arrowSchema, arrowType, type ColumnSpec, type ColumnType, type Row } from './schema';

/**
 * Accumulates rows column by column into plain buffers and turns them into
 * Arrow record batches without going through per-value Arrow builders.
 * Strings are UTF-8 encoded once, on push, straight into the value buffer.
 */
export class BatchBuilder {
  readonly schema: Schema;
  private readonly columns: ColumnBuffer[];
  private rows = 0;

  /**
   * @param columns - the schema's columns.
   */
  constructor(readonly specs: readonly ColumnSpec[]) {
    this.schema = arrowSchema(specs);
    this.columns = specs.map((s) => makeColumnBuffer(s));
  }

  /** Rows added since the last {@link flush}. */
  get length(): number {
    return this.rows;
  }

  /** Approximate bytes held (value buffers, offsets and bitmaps). */
  get byteLength(): number {
    let n = 0;
    for (const c of this.columns) n += c.byteLength;
    return n;
  }

  /**
   * Appends one row. Missing keys are nulls; extra keys are an error so typos do not vanish.
   *
   * @param row - column name to value.
   * @throws SchemaMismatchError naming the column and the value's type.
   */
  push(row: Row): void {
    let known = 0;
    for (const c of this.columns) {
      const v = row[c.spec.name];
      if (v !== undefined) known++;
      c.push(v);
    }
    if (known !== countDefined(row)) {
      const extra = Object.keys(row).filter((k) => row[k] !== undefined && !this.specs.some((s) => s.name === k));
      throw new SchemaMismatchError(`row has columns not in the schema: ${extra.join(', ')}.`);
    }
    this.rows++;
  }

  /**
   * Returns the rows added so far as one record batch and starts a new one.
   *
   * @returns the batch, or `null` when empty.
   */
  flush(): RecordBatch | null {
    if (this.rows === 0) return null;
    const children = this.columns.map((c) => c.finish());
    const data = makeData({ type: new Struct(this.schema.fields), length: this.rows, nullCount: 0, children });
    this.rows = 0;
    return new RecordBatch(this.schema, data);
  }
}

function countDefined(row: Row): number {
  let n = 0;
  for (const k in row) if (row[k] !== undefined) n++;
  return n;
}

interface ColumnBuffer {
  readonly spec: ColumnSpec;
  readonly byteLength: number;
  push(v: unknown): void;
  finish(): Data;
}

function makeColumnBuffer(spec: ColumnSpec): ColumnBuffer {
  switch (spec.type) {
    case 'utf8':
      return new BytesColumn(spec, true);
    case 'binary':
      return new BytesColumn(spec, false);
    case 'bool':
      return new BoolColumn(spec);
    case 'list<uint16>':
    case 'list<uint32>':
      return new ListColumn(spec);
    default:
      return new NumberColumn(spec);
  }
}

/** Validity bitmap shared by every column kind. */
class Validity {
  bits = new Uint8Array(64);
  nulls = 0;
  length = 0;

  push(valid: boolean): void {
    const i = this.length++;
    if ((i >> 3) >= this.bits.length) this.bits = grow(this.bits, (i >> 3) + 1);
    if (valid) this.bits[i >> 3]! |= 1 << (i & 7);
    else this.nulls++;
  }

  take(): { nullBitmap: Uint8Array | undefined; nullCount: number } {
    const out = this.nulls === 0 ? undefined : this.bits.slice(0, (this.length + 7) >> 3);
    const nullCount = this.nulls;
    this.bits = new Uint8Array(this.bits.length);
    this.nulls = 0;
    this.length = 0;
    return { nullBitmap: out, nullCount };
  }
}

function grow<T extends Uint8Array | Int32Array | Float64Array | Float32Array | Uint32Array | Uint16Array | BigInt64Array>(
  a: T,
  min: number,
): T {
  let n = Math.max(16, a.length * 2);
  while (n < min) n *= 2;
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a as never);
  return b;
}

/** Arrow data of one column: its type, length and validity, plus the kind-specific buffers. */
function columnData(spec: ColumnSpec, validity: Validity, length: number, buffers: Record<string, unknown>): Data {
  const { nullBitmap, nullCount } = validity.take();
  return makeData({ type: arrowType(spec.type), length, nullCount, nullBitmap, ...buffers } as never) as Data;
}

function checkNull(spec: ColumnSpec, v: unknown): boolean {
  if (v === null || v === undefined) {
    if (spec.nullable === false) throw new SchemaMismatchError(`column "${spec.name}" may not be null.`);
    return true;
  }
  return false;
}

function typeError(spec: ColumnSpec, v: unknown): SchemaMismatchError {
  const got = v instanceof Uint8Array ? 'Uint8Array' : Array.isArray(v) ? 'array' : typeof v;
  return new SchemaMismatchError(`column "${spec.name}" is ${spec.type} but got a ${got} value.`);
}

class BytesColumn implements ColumnBuffer {
  private values = Buffer.allocUnsafe(1 << 16);
  private offsets = new Int32Array(1025);
  private pos = 0;
  private n = 0;
  private readonly validity = new Validity();

  constructor(
    readonly spec: ColumnSpec,
    private readonly text: boolean,
  ) {}

  get byteLength(): number {
    return this.pos + 4 * this.n;
  }

  push(v: unknown): void {
    const isNull = checkNull(this.spec, v);
    this.validity.push(!isNull);
    if (!isNull) {
      if (this.text) {
        if (typeof v !== 'string') throw typeError(this.spec, v);
        this.ensure(v.length * 3);
        this.pos += this.values.write(v, this.pos, 'utf8');
      } else {
        if (!(v instanceof Uint8Array)) throw typeError(this.spec, v);
        this.ensure(v.byteLength);
        this.values.set(v, this.pos);
        this.pos += v.byteLength;
      }
      if (this.pos > 0x7fffffff) {
        throw new SchemaMismatchError(`column "${this.spec.name}" holds over 2 GiB in one batch; lower the batch size.`);
      }
    }
    this.n++;
    if (this.n >= this.offsets.length) this.offsets = grow(this.offsets, this.n + 1);
    this.offsets[this.n] = this.pos;
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.values.length) return;
    let n = this.values.length * 2;
    while (n < this.pos + extra) n *= 2;
    const b = Buffer.allocUnsafe(n);
    this.values.copy(b, 0, 0, this.pos);
    this.values = b;
  }

  finish(): Data {
    const data = columnData(this.spec, this.validity, this.n, {
      valueOffsets: this.offsets.slice(0, this.n + 1),
      data: new Uint8Array(this.values.subarray(0, this.pos)),
    });
    this.pos = 0;
    this.n = 0;
    this.offsets = new Int32Array(this.offsets.length);
    return data;
  }
}

type NumericArray = Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array;

function numericArray(type: ColumnType, n: number): NumericArray {
  switch (type) {
    case 'int32':
      return new Int32Array(n);
    case 'uint32':
      return new Uint32Array(n);
    case 'float32':
      return new Float32Array(n);
    case 'int64':
      return new BigInt64Array(n);
    default:
      return new Float64Array(n);
  }
}

class NumberColumn implements ColumnBuffer {
  private values: NumericArray;
  private n = 0;
  private readonly validity = new Validity();
  private readonly big: boolean;
  private readonly integer: boolean;

  constructor(readonly spec: ColumnSpec) {
    this.values = numericArray(spec.type, 1024);
    this.big = spec.type === 'int64';
    this.integer = spec.type === 'int32' || spec.type === 'uint32' || this.big;
  }

  get byteLength(): number {
    return this.n * this.values.BYTES_PER_ELEMENT;
  }

  push(v: unknown): void {
    const isNull = checkNull(this.spec, v);
    this.validity.push(!isNull);
    if (this.n >= this.values.length) this.values = grow(this.values, this.n + 1);
    if (!isNull) {
      if (this.big) {
        if (typeof v === 'bigint') (this.values as BigInt64Array)[this.n] = v;
        else if (typeof v === 'number' && Number.isInteger(v)) (this.values as BigInt64Array)[this.n] = BigInt(v);
        else throw typeError(this.spec, v);
      } else {
        if (typeof v !== 'number') throw typeError(this.spec, v);
        if (this.integer && !Number.isInteger(v)) {
          throw new SchemaMismatchError(`column "${this.spec.name}" is ${this.spec.type} but got ${v}.`);
        }
        (this.values as Float64Array)[this.n] = v;
      }
    }
    this.n++;
  }

  finish(): Data {
    const data = columnData(this.spec, this.validity, this.n, { data: this.values.slice(0, this.n) });
    this.n = 0;
    return data;
  }
}

class BoolColumn implements ColumnBuffer {
  private readonly bits = new Validity();
  private readonly validity = new Validity();

  constructor(readonly spec: ColumnSpec) {}

  get byteLength(): number {
    return this.bits.length >> 2;
  }

  push(v: unknown): void {
    const isNull = checkNull(this.spec, v);
    this.validity.push(!isNull);
    if (!isNull && typeof v !== 'boolean') throw typeError(this.spec, v);
    this.bits.push(v === true);
  }

  finish(): Data {
    const length = this.bits.length;
    const data = this.bits.bits.slice(0, (length + 7) >> 3);
    this.bits.take();
    return columnData(this.spec, this.validity, length, { data });
  }
}

class ListColumn implements ColumnBuffer {
  private values: Uint16Array | Uint32Array;
  private offsets = new Int32Array(1025);
  private pos = 0;
  private n = 0;
  private readonly validity = new Validity();
  private readonly wide: boolean;

  constructor(readonly spec: ColumnSpec) {
    this.wide = spec.type === 'list<uint32>';
    this.values = this.wide ? new Uint32Array(1 << 14) : new Uint16Array(1 << 14);
  }

  get byteLength(): number {
    return this.pos * this.values.BYTES_PER_ELEMENT + 4 * this.n;
  }

  push(v: unknown): void {
    const isNull = checkNull(this.spec, v);
    this.validity.push(!isNull);
    if (!isNull) {
      if (!(ArrayBuffer.isView(v) || Array.isArray(v))) throw typeError(this.spec, v);
      const arr = v as ArrayLike<number>;
      if (this.pos + arr.length > this.values.length) this.values = grow(this.values, this.pos + arr.length);
      const max = this.wide ? 0xffffffff : 0xffff;
      for (let i = 0; i < arr.length; i++) {
        const x = arr[i]!;
        if (!(x >= 0 && x <= max && Number.isInteger(x))) {
          throw new SchemaMismatchError(`column "${this.spec.name}" is ${this.spec.type} but holds ${x}.`);
        }
      }
      this.values.set(arr, this.pos);
      this.pos += arr.length;
    }
    this.n++;
    if (this.n >= this.offsets.length) this.offsets = grow(this.offsets, this.n + 1);
    this.offsets[this.n] = this.pos;
  }

  finish(): Data {
    const itemType = this.wide ? new Uint32() : new Uint16();
    const child = makeData({ type: itemType, length: this.pos, nullCount: 0, data: this.values.slice(0, this.pos) } as never);
    const data = columnData(this.spec, this.validity, this.n, { valueOffsets: this.offsets.slice(0, this.n + 1), child });
    this.pos = 0;
    this.n = 0;
    this.offsets = new Int32Array(this.offsets.length);
    return data;
  }
}
