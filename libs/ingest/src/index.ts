export { IngestError, INGEST_CODES, type IngestCode } from './errors';
export { resolveInputs, type InputFile } from './sources';
export { decode, detectCompression, readFileChunks, type Compression, type DecodeOptions } from './decode';
export { splitLines, type Line, type SplitLinesOptions } from './lines';
export { readJsonl, type JsonlOptions } from './jsonl';
export { readText, type TextOptions } from './text';
export { decodeUtf8, type InputDocument, type ReadResult } from './records';
export { ingestStage, ingestConfig, guessFormat, nameInputFiles, INGEST_FORMATS, type IngestConfig, type IngestFile } from './ingest-stage';
