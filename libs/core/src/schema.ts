import {
  Binary,
  Bool,
  Field,
  Float32,
  Float64,
  Int32,
  Int64,
  List,
  Schema,
  Uint16,
  Uint32,
  Utf8,
  type DataType,
} from 'apache-arrow';
import { SchemaMismatchError } from './errors';

/** Version of the dataset format this code writes and reads. */
export const SCHEMA_VERSION = 1;

/**
 * Column types a winnow dataset can hold. Kept small on purpose: every stage,
 * the inspector and independent readers (polars, DuckDB) agree on these.
 */
export type ColumnType =
  | 'utf8'
  | 'binary'
  | 'bool'
  | 'int32'
  | 'int64'
  | 'uint32'
  | 'float32'
  | 'float64'
  | 'list<uint16>'
  | 'list<uint32>';

/** The declaration of one column. */
export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /** Whether the column may hold nulls (default `true`). */
  nullable?: boolean;
  /** Free-form description, kept in the manifest. */
  description?: string;
}

/** All column types, for validation. */
export const COLUMN_TYPES: readonly ColumnType[] = [
  'utf8',
  'binary',
  'bool',
  'int32',
  'int64',
  'uint32',
  'float32',
  'float64',
  'list<uint16>',
  'list<uint32>',
];

/**
 * The columns every document dataset starts with (DESIGN.md, "The data contract").
 * Stages append one column per signal after these.
 */
export const DOCUMENT_COLUMNS: readonly ColumnSpec[] = [
  { name: 'id', type: 'utf8', nullable: false, description: 'stable, unique document id' },
  { name: 'text', type: 'utf8', nullable: false, description: 'document text' },
  { name: 'url', type: 'utf8', nullable: true, description: 'where the document was crawled from' },
  { name: 'source', type: 'utf8', nullable: false, description: 'the input file or URL it came from' },
  { name: 'meta', type: 'utf8', nullable: true, description: 'JSON object: headers, dates, original ids' },
];

/** A document row as stages see it; signal columns are extra keys. */
export interface Document {
  id: string;
  text: string;
  url: string | null;
  source: string;
  /** JSON string. */
  meta: string | null;
  [signal: string]: unknown;
}

/** A row of any dataset: column name to value. */
export type Row = Record<string, unknown>;

/**
 * Columns of a document dataset with extra signal columns appended.
 *
 * @param signals - signal columns a stage adds.
 * @returns the full column list.
 * @example
 * ```ts
 * documentColumns([{ name: 'lang_score', type: 'float32' }])
 * ```
 */
export function documentColumns(signals: readonly ColumnSpec[] = []): ColumnSpec[] {
  const names = new Set(DOCUMENT_COLUMNS.map((c) => c.name));
  for (const s of signals) {
    if (names.has(s.name)) throw new SchemaMismatchError(`signal column "${s.name}" clashes with another column.`);
    names.add(s.name);
  }
  return [...DOCUMENT_COLUMNS, ...signals];
}

/**
 * Maps a winnow column type to its Arrow data type.
 *
 * @param type - the column type.
 * @returns the Arrow type.
 * @example
 * ```ts
 * arrowType('float32') // Float32
 * ```
 */
export function arrowType(type: ColumnType): DataType {
  switch (type) {
    case 'utf8':
      return new Utf8();
    case 'binary':
      return new Binary();
    case 'bool':
      return new Bool();
    case 'int32':
      return new Int32();
    case 'int64':
      return new Int64();
    case 'uint32':
      return new Uint32();
    case 'float32':
      return new Float32();
    case 'float64':
      return new Float64();
    case 'list<uint16>':
      return new List(new Field('item', new Uint16(), false));
    case 'list<uint32>':
      return new List(new Field('item', new Uint32(), false));
  }
}

/**
 * Builds the Arrow schema of a column list, validating names and types.
 *
 * @param columns - the columns.
 * @returns the Arrow schema.
 * @example
 * ```ts
 * const schema = arrowSchema(documentColumns())
 * ```
 */
export function arrowSchema(columns: readonly ColumnSpec[]): Schema {
  validateColumns(columns);
  return new Schema(columns.map((c) => new Field(c.name, arrowType(c.type), c.nullable ?? true)));
}

/**
 * Checks a column list: non-empty unique names, known types.
 *
 * @param columns - the columns.
 * @throws SchemaMismatchError naming the bad column.
 */
export function validateColumns(columns: readonly ColumnSpec[]): void {
  if (columns.length === 0) throw new SchemaMismatchError('a dataset needs at least one column.');
  const seen = new Set<string>();
  for (const [i, c] of columns.entries()) {
    if (typeof c.name !== 'string' || c.name.length === 0) {
      throw new SchemaMismatchError(`column ${i} has no name.`);
    }
    if (seen.has(c.name)) throw new SchemaMismatchError(`column "${c.name}" is declared twice.`);
    seen.add(c.name);
    if (!COLUMN_TYPES.includes(c.type)) {
      throw new SchemaMismatchError(`column "${c.name}" has unknown type "${String(c.type)}"; expected one of ${COLUMN_TYPES.join(', ')}.`);
    }
  }
}

/**
 * Recovers winnow column specs from an Arrow schema (e.g. one read from a shard).
 *
 * @param schema - an Arrow schema.
 * @returns the column specs.
 * @throws SchemaMismatchError for an Arrow type winnow does not use.
 */
export function columnsFromArrow(schema: Schema): ColumnSpec[] {
  return schema.fields.map((f) => {
    const key = typeKey(f.type as DataType);
    const type = COLUMN_TYPES.find((t) => typeKey(arrowType(t)) === key);
    if (type === undefined) throw new SchemaMismatchError(`column "${f.name}" has an Arrow type winnow does not use (${key}).`);
    return { name: f.name, type, nullable: f.nullable };
  });
}

/** An Arrow type's own name, e.g. `Int64`, `Float32`, `List<Uint16>` (Arrow's classes define `toString`). */
function typeKey(t: DataType): string {
  return (t as { toString(): string }).toString();
}
