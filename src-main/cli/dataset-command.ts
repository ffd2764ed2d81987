/**
 * `lathe dataset …`: inspect a file without any model, add files to the library, list it, and
 * prepare a dataset for a model (the prepared folder the training runtime reads). Progress goes
 * to stderr, results to stdout; --json prints one JSON object.
 */
import { existsSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LatheError, type DatasetEntry, type DatasetInspection, type PreparedSummary, type PrepareOptions } from '../contract';
import type { LatheServices } from '../app/lathe-services';
import { inspectDataset } from '../datasets/inspect-dataset';
import { untilImported } from '../datasets/until-imported';
import { parseArgs, UsageError } from './args';
import { printInspection } from './print-inspection';
import { withCliServices } from './cli-services';
import type { CliContext } from './main';

const USAGE = `Usage:
  lathe dataset inspect FILE [--json]
  lathe dataset add FILE…
  lathe dataset list [--json]
  lathe dataset prepare --dataset FILE|ID --model FILE|ID --max-len N [--val 0.1] [--seed N] [--template model|chatml] [--loss assistant|all] [--out DIR] [--json]`;

export async function runDataset(argv: string[], context: CliContext): Promise<number> {
  const [verb, ...rest] = argv;
  switch (verb) {
    case 'inspect':
      return inspect(rest, context);
    case 'add':
      return withCliServices(context, (services) => add(rest, services, context));
    case 'list':
      return withCliServices(context, (services) => list(rest, services, context));
    case 'prepare':
      return prepare(rest, context);
    default:
      throw new UsageError(verb === undefined ? USAGE : `Unknown dataset command "${verb}"\n${USAGE}`);
  }
}

/** What `inspect` prints: the facts a script needs, every problem with its line. */
function inspectionReport(inspection: DatasetInspection) {
  const { format, rows, valid, invalid, problems, columns } = inspection;
  return { format, shape: inspection.detection.shape, rows, valid, invalid, problems: problems.map(({ line, reason }) => ({ line, reason })), columns };
}

async function inspect(argv: string[], context: CliContext): Promise<number> {
  const { words, flags } = parseArgs(argv, { json: 'boolean' });
  if (words.length !== 1) throw new UsageError('Usage: lathe dataset inspect FILE [--json]');
  return printInspection(words[0] as string, flags.json === true, context, { read: inspectDataset, asJson: inspectionReport, describe: describeInspection });
}

async function add(argv: string[], services: LatheServices, context: CliContext): Promise<number> {
  const { words } = parseArgs(argv, {});
  if (words.length === 0) throw new UsageError('Usage: lathe dataset add FILE…');
  const added = await services.datasets.addPaths(words.map((path) => resolve(path)));
  let failed = 0;
  for (const entry of added) {
    const done = await untilImportedWithProgress(services, entry.id);
    if (done.status === 'ready') context.out(`added ${done.id}  ${describeEntry(done)}`);
    else {
      failed += 1;
      process.stderr.write(`${done.name}: ${done.status}: ${done.problem ?? ''}\n`);
    }
  }
  return failed > 0 ? 1 : 0;
}

async function list(argv: string[], services: LatheServices, context: CliContext): Promise<number> {
  const { words, flags } = parseArgs(argv, { json: 'boolean' });
  if (words.length > 0) throw new UsageError('Usage: lathe dataset list [--json]');
  const datasets = services.datasets.list();
  context.out(flags.json ? JSON.stringify(datasets, null, 2) : datasets.map((d) => `${d.id}  ${describeEntry(d)}  ${d.path}`).join('\n') || 'No datasets yet. Add one with: lathe dataset add FILE');
  return 0;
}

async function prepare(argv: string[], context: CliContext): Promise<number> {
  const { words, flags } = parseArgs(argv, { dataset: 'string', model: 'string', 'max-len': 'string', val: 'string', seed: 'string', template: 'string', loss: 'string', out: 'string', json: 'boolean' });
  if (words.length > 0 || typeof flags.dataset !== 'string' || typeof flags.model !== 'string' || typeof flags['max-len'] !== 'string') throw new UsageError(USAGE);
  const maxLength = numberFlag(flags['max-len'], 'max-len', (n) => Number.isInteger(n) && n >= 16);
  const validation = flags.val === undefined ? 0.1 : numberFlag(flags.val, 'val', (n) => n >= 0 && n <= 0.5);
  const seed = flags.seed === undefined ? 0 : numberFlag(flags.seed, 'seed', (n) => Number.isInteger(n) && n >= 0);
  const template = choiceFlag(flags.template, 'template', ['model', 'chatml'] as const);
  const lossOn = choiceFlag(flags.loss, 'loss', ['assistant', 'all'] as const) ?? 'assistant';
  const datasetArg = flags.dataset;
  const modelArg = flags.model;

  return withCliServices(context, async (services) => {
    const dataset = await datasetFor(services, datasetArg);
    const model = await modelFor(services, modelArg);
    const options: PrepareOptions = {
      maxLength,
      overlong: 'truncate',
      lossOn,
      validationPercent: Math.round(validation * 1000) / 10,
      seed,
      dropDuplicates: true,
      // A model without a chat template of its own is prepared with ChatML unless told otherwise.
      template: template ?? (model.facts?.chatTemplate ? 'model' : 'chatml'),
    };
    let shown = false;
    const stopProgress = services.datasets.subscribe((event) => {
      if (event.type !== 'prepare-progress' || event.datasetId !== dataset.id) return;
      shown = true;
      process.stderr.write(progressLine(`${event.examples} of ${event.total ?? '?'} rows prepared`, event.examplesPerSecond, 'rows'));
    });
    const stop = (): void => void services.datasets.cancelPrepare(dataset.id, model.id);
    process.once('SIGINT', stop);
    let summary: PreparedSummary;
    try {
      summary = await services.datasets.prepare(dataset.id, model.id, options);
    } finally {
      process.off('SIGINT', stop);
      stopProgress();
      if (shown) process.stderr.write('\n');
    }
    const out = typeof flags.out === 'string' ? resolve(flags.out) : null;
    if (out !== null) await cp(summary.dir, out, { recursive: true });
    context.out(flags.json ? JSON.stringify(out === null ? summary : { ...summary, out }, null, 2) : describeSummary(summary, out));
    return 0;
  });
}

/** A dataset file (added, or found, and read to the end) or a library id. */
export async function datasetFor(services: LatheServices, fileOrId: string): Promise<DatasetEntry> {
  let entry: DatasetEntry;
  if (existsSync(fileOrId)) [entry] = (await services.datasets.addPaths([resolve(fileOrId)])) as [DatasetEntry];
  else entry = notFoundAsInput(() => services.datasets.get(fileOrId), `No dataset file or library entry "${fileOrId}". See: lathe dataset list`);
  if (entry.status === 'stale' || entry.status === 'failed') entry = await services.datasets.reimport(entry.id);
  const done = await untilImportedWithProgress(services, entry.id);
  if (done.status !== 'ready') throw new LatheError('invalid_input', `${done.name} is ${done.status}: ${done.problem ?? 'it cannot be prepared.'}`);
  return done;
}

/** A GGUF file (added to the library, or the entry it already has) or a library id. */
export async function modelFor(services: LatheServices, fileOrId: string) {
  if (!existsSync(fileOrId)) return notFoundAsInput(() => services.models.get(fileOrId), `No model file or library entry "${fileOrId}". See: lathe model list`);
  const path = resolve(fileOrId);
  const { added, skipped } = await services.models.addPaths([path]);
  const model = added[0] ?? services.models.list().find((m) => m.path === path);
  if (!model) throw new LatheError('invalid_input', `${path} is not a model Lathe can use: ${skipped[0]?.reason ?? 'unknown reason'}`);
  return model;
}

/** `\r` + text: the line is rewritten in place on a terminal. */
function progressLine(what: string, perSecond: number, unit: string): string {
  return `\r${what}${perSecond > 0 ? `, ${Math.round(perSecond)} ${unit}/s` : ''}   `;
}

/** Waits for an import, its progress on one stderr line (ended with a newline when one was written). */
async function untilImportedWithProgress(services: LatheServices, id: string): Promise<DatasetEntry> {
  let shown = false;
  const done = await untilImported(services.datasets, id, (event) => {
    shown = true;
    process.stderr.write(progressLine(`read ${event.rows} rows`, event.rowsPerSecond, 'rows'));
  });
  if (shown) process.stderr.write('\n');
  return done;
}

function notFoundAsInput<T>(get: () => T, message: string): T {
  try {
    return get();
  } catch (error) {
    if (error instanceof LatheError && error.kind === 'not_found') throw new LatheError('invalid_input', message);
    throw error;
  }
}

function numberFlag(value: string | boolean, name: string, check: (n: number) => boolean): number {
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} has an invalid value "${value}"\n${USAGE}`);
  return n;
}

function choiceFlag<T extends string>(value: string | boolean | undefined, name: string, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}\n${USAGE}`);
  return value as T;
}

function describeInspection(inspection: DatasetInspection): string {
  const { detection } = inspection;
  const shown = inspection.problems.slice(0, 20);
  return [
    `Format   ${inspection.format}${inspection.csv ? ` (separator ${JSON.stringify(inspection.csv.separator)}, ${inspection.csv.hasHeader ? 'with' : 'no'} header)` : ''}`,
    `Shape    ${detection.shape} (${Math.round(detection.confidence * 100)}% sure)`,
    ...detection.evidence.map((sentence) => `         ${sentence}`),
    `Columns  ${inspection.columns.join(', ') || '—'}`,
    `Rows     ${inspection.rows} (${inspection.valid} usable, ${inspection.invalid} with problems)`,
    ...shown.map((p) => `  line ${p.line}: ${p.reason}`),
    ...(inspection.problems.length > shown.length ? [`  … and ${inspection.problems.length - shown.length} more (see --json)`] : []),
  ].join('\n');
}

function describeEntry(dataset: DatasetEntry): string {
  const inspection = dataset.inspection;
  const what = inspection ? `${inspection.format}, ${(dataset.mapping ?? inspection.detection.mapping).shape}, ${inspection.rows} rows (${inspection.invalid} with problems)` : (dataset.problem ?? '');
  return `${dataset.name}  (${what})  [${dataset.status}]`;
}

function describeSummary(summary: PreparedSummary, out: string | null): string {
  const { examples, tokens, lengths } = summary;
  return [
    `Prepared ${examples.train} training and ${examples.validation} validation examples${summary.cached ? ' (reused from an earlier preparation)' : ''}`,
    `Tokens   ${tokens.train} train, ${tokens.validation} validation, ${tokens.trained} trained on`,
    `Lengths  ${lengths.min}–${lengths.max} tokens, median ${lengths.p50}, p90 ${lengths.p90}; ${summary.overlong} over ${summary.options.maxLength}`,
    `Dropped  ${summary.dropped.invalid} bad rows, ${summary.dropped.duplicates} duplicates, ${summary.dropped.overlong} too long`,
    `Folder   ${out ?? summary.dir}`,
  ].join('\n');
}
