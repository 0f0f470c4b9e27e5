import type { Command } from 'commander';
import { INGEST_FORMATS, nameInputFiles, resolveInputs } from '@winnow/ingest';
import type { CliContext } from '../context';
import { parseSize } from '../parse';
import { addStageCommand, type StageCommandSpec } from '../stage-command';

/** `winnow ingest`: the ingest stage over files, folders and globs. */
export const INGEST_COMMAND: StageCommandSpec = {
  name: 'ingest',
  description: 'read raw corpora (WARC/WET with HTML to text, JSONL or text; gzip, zstd or plain, told by magic bytes) into a document dataset',
  stage: { module: require.resolve('@winnow/ingest'), export: 'ingestStage' },
  sources: {
    argument: '<inputs...>',
    description: 'input files, folders (read recursively) or globs',
    toConfig: async (inputs) => ({ files: nameInputFiles(await resolveInputs(inputs)) }),
  },
  options: [
    { flags: '--format <format>', description: `input format: ${INGEST_FORMATS.join(', ')} (default auto: by name, else by content)`, config: 'format' },
    { flags: '--text-field <name>', description: 'JSONL field holding the text; dotted paths reach inside objects (default text)', config: 'textField' },
    { flags: '--id-field <name>', description: 'JSONL field holding the id (default id; else <file>#L<line>)', config: 'idField' },
    { flags: '--url-field <name>', description: 'JSONL field holding the URL (default url)', config: 'urlField' },
    {
      flags: '--max-record-bytes <size>',
      description: 'largest record kept; larger ones are quarantined without being held in memory (default 64MiB)',
      config: 'maxRecordBytes',
      parse: parseSize,
    },
    {
      flags: '--task-bytes <size>',
      description: 'input bytes per task: small files are grouped, a large one is a task (default 64MiB)',
      config: 'taskBytes',
      parse: parseSize,
    },
  ],
  examples: [
    'ingest corpus/ --out out/docs',
    "ingest 'CC-MAIN-*.warc.gz' --out out/crawl --workers 8",
    "ingest 'crawl/**/*.jsonl.zst' --out out/docs --text-field content --id-field doc_id --workers 8",
    'ingest notes/*.txt --out out/notes --format text --on-error fail',
  ],
};

/**
 * Adds `winnow ingest`.
 *
 * @param program - the root command.
 * @param ctx - where output goes.
 * @returns the command.
 */
export function addIngestCommand(program: Command, ctx: CliContext): Command {
  return addStageCommand(program, INGEST_COMMAND, ctx);
}

