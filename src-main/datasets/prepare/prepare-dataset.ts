/**
 * Preparing a dataset for one model: rows in, a prepared folder out (docs/prepared-data.md).
 *
 *   const result = await prepareDataset({ rows, modelPath, options, outDir, datasetHash, shape, workerPath });
 *
 * The model file is checked with `assertLoadable` before llama.cpp sees it. The rows are
 * streamed in numbered batches to worker processes that render and tokenize them
 * (example-maker.ts has the per-row rules); their results are taken back in row order and
 * written here, with the duplicate check, the split and the statistics (prepared-writer.ts),
 * so the files do not depend on how many workers ran. Everything goes into a temporary folder
 * beside `outDir` that is renamed into place only when complete: cancelled or failed, it is
 * removed, and a half-written prepared dataset is never seen.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { LatheError } from '../../contract';
import type { DatasetShape, PreparedSummary, PrepareOptions, RowProblem } from '../../contract/dataset-types';
import { assertLoadable } from '../../inference/assert-loadable';
import { chooseTemplateSource } from './chat-template';
import type { MadeBatch, PreparationRow } from './example-maker';
import { readModelTokenizer } from './model-tokenizer';
import { prepareCacheKey, templateHash } from './prepare-cache-key';
import { writeManifest, type PreparedManifest } from './prepared-files';
import { PreparedWriter, type PreparationOutcome } from './prepared-writer';
import { cancelled, defaultWorkerCount, PrepareWorkers, type ForkWorker } from './prepare-worker-client';

export interface PrepareProgress {
  /** Rows taken so far (examples made, dropped or refused). */
  rows: number;
  /** All rows, when the caller knows (the inspection's count). */
  total: number | null;
  /** Tokens written so far. */
  tokens: number;
  examplesPerSecond: number;
}

export interface PrepareDatasetParams {
  rows: AsyncIterable<PreparationRow>;
  modelPath: string;
  options: PrepareOptions;
  /** The folder to create; an existing one is replaced once the new one is complete. */
  outDir: string;
  /** Identifies the rows: the file's hash and the column mapping. Written to the manifest; part of the cache key. */
  datasetHash: string;
  /** `text`: raw text, no template, every token trained. Every other shape is rendered as a conversation. */
  shape: DatasetShape;
  /** The built worker entry (out/main/dataset-prepare-worker.js). */
  workerPath: string;
  totalRows?: number | null;
  /** Worker processes; by default two, or one per core but one on bigger machines, at most four (`defaultWorkerCount`). */
  workers?: number;
  signal?: AbortSignal;
  onProgress?: (progress: PrepareProgress) => void;
  forkWorker?: ForkWorker;
}

/** The summary without what the service assigns (ids, dir, cached, createdAt), and what it stores beside it. */
export type PrepareDatasetResult = Omit<PreparedSummary, 'id' | 'datasetId' | 'modelId' | 'cached' | 'createdAt' | 'dir'> & {
  cacheKey: string;
  templateHash: string;
  manifest: PreparedManifest;
  rows: number;
  /** Why rows were dropped as invalid (the first 1,000). */
  problems: RowProblem[];
  seconds: number;
};

export interface PrepareIdentity {
  fingerprint: string;
  templateHash: string;
  cacheKey: string;
}

const BATCH_ROWS = 256;
const BATCH_CHARS = 512 * 1024;
/** Batches a worker holds at once: enough queued that it never waits for the main process to be scheduled, few enough to bound memory. */
const MAX_IN_FLIGHT = 4;
const PROGRESS_EVERY_MS = 250;

/** What identifies a preparation before doing it (header read only): look up `cacheKey` to reuse earlier work. */
export async function prepareIdentity(params: Pick<PrepareDatasetParams, 'modelPath' | 'options' | 'datasetHash' | 'shape'>): Promise<PrepareIdentity> {
  const tokenizer = await readModelTokenizer(params.modelPath);
  const source = chooseTemplateSource(tokenizer.chatTemplate, params.options.template, params.shape);
  const hash = templateHash(source, tokenizer.bosText, tokenizer.eosText);
  return { fingerprint: tokenizer.fingerprint, templateHash: hash, cacheKey: prepareCacheKey(params.datasetHash, tokenizer.fingerprint, hash, params.options) };
}

export async function prepareDataset(params: PrepareDatasetParams): Promise<PrepareDatasetResult> {
  const started = performance.now();
  const { options, signal } = params;
  checkOptions(options);
  await assertLoadable(params.modelPath);
  const tokenizer = await readModelTokenizer(params.modelPath);
  const source = chooseTemplateSource(tokenizer.chatTemplate, options.template, params.shape);
  const hash = templateHash(source, tokenizer.bosText, tokenizer.eosText);
  if (signal?.aborted) throw cancelled();

  await mkdir(dirname(params.outDir), { recursive: true });
  const temp = await mkdtemp(`${params.outDir}.partial-`);
  const workerCount = Math.max(1, Math.floor(params.workers ?? defaultWorkerCount(availableParallelism())));
  let workers: PrepareWorkers | null = null;
  let writer: PreparedWriter | null = null;
  try {
    workers = PrepareWorkers.start(workerCount, { workerPath: params.workerPath, forkWorker: params.forkWorker });
    workers.broadcast({ type: 'prepare', setup: { modelPath: params.modelPath, templateSource: source, options } });
    writer = await PreparedWriter.create(temp, options);
    for (let ready = 0; ready < workerCount; ready++) {
      const { message } = await workers.receive(signal);
      if (message.type !== 'ready') throw new LatheError('internal', `A preparing worker answered '${message.type}' before it was ready.`);
    }
    await streamRows(workers, writer, params, started);
    const outcome = await writer.finish();
    writer = null;
    if (outcome.splits.train.examples === 0) throw nothingToTrain(outcome);
    const manifest: PreparedManifest = {
      format: 'lathe-prepared',
      version: 1,
      tokenizer: { fingerprint: tokenizer.fingerprint, vocabSize: tokenizer.vocabSize, bos: tokenizer.bos, eos: tokenizer.eos },
      datasetHash: params.datasetHash,
      templateHash: hash,
      options,
      splits: outcome.splits,
    };
    await writeManifest(temp, manifest);
    await workers.stop();
    await moveIntoPlace(temp, params.outDir);
    const { train, validation } = outcome.splits;
    return {
      options,
      tokenizerFingerprint: tokenizer.fingerprint,
      examples: { train: train.examples, validation: validation.examples },
      tokens: { train: train.tokens, validation: validation.tokens, trained: train.maskedTokens },
      lengths: outcome.lengths,
      overlong: outcome.overlong,
      dropped: outcome.dropped,
      cacheKey: prepareCacheKey(params.datasetHash, tokenizer.fingerprint, hash, options),
      templateHash: hash,
      manifest,
      rows: outcome.rows,
      problems: outcome.problems,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (error) {
    // Workers and files first: open files must be closed before the folder can go (Windows).
    await workers?.stop();
    await writer?.abandon();
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Feeds numbered batches to whichever worker has room and writes the made batches back in
 * order. Reading waits whenever every worker holds MAX_IN_FLIGHT batches, so memory stays
 * bounded however large the file.
 */
async function streamRows(workers: PrepareWorkers, writer: PreparedWriter, params: PrepareDatasetParams, started: number): Promise<void> {
  const { signal } = params;
  const inFlight = new Array<number>(workers.size).fill(0);
  const linesOf = new Map<number, number[]>();
  const made = new Map<number, MadeBatch>();
  let sent = 0;
  let written = 0;
  let lastReport = 0;

  const report = (force: boolean): void => {
    const now = performance.now();
    if (!params.onProgress || (!force && now - lastReport < PROGRESS_EVERY_MS)) return;
    lastReport = now;
    const seconds = (now - started) / 1000;
    const { rows, tokens } = writer.progress;
    params.onProgress({ rows, total: params.totalRows ?? null, tokens, examplesPerSecond: seconds > 0 ? rows / seconds : 0 });
  };
  /** Waits for one answer and writes every batch that is now next in order. */
  const takeAnswer = async (): Promise<void> => {
    const { worker, message } = await workers.receive(signal);
    if (message.type !== 'made') throw new LatheError('internal', `A preparing worker answered '${message.type}' out of turn.`);
    inFlight[worker] = (inFlight[worker] as number) - 1;
    made.set(message.seq, message.batch);
    for (let next = made.get(written); next !== undefined; next = made.get(written)) {
      await writer.add(linesOf.get(written) as number[], next);
      made.delete(written);
      linesOf.delete(written);
      written++;
    }
    report(false);
  };
  const send = async (batch: PreparationRow[]): Promise<void> => {
    let worker = leastBusy(inFlight);
    while ((inFlight[worker] as number) >= MAX_IN_FLIGHT) {
      await takeAnswer();
      worker = leastBusy(inFlight);
    }
    linesOf.set(sent, batch.map((row) => row.line));
    workers.send(worker, { type: 'rows', seq: sent++, rows: batch });
    inFlight[worker] = (inFlight[worker] as number) + 1;
  };

  let batch: PreparationRow[] = [];
  let chars = 0;
  for await (const row of params.rows) {
    if (signal?.aborted) throw cancelled();
    // Only what the workers need: readers' rows also carry the raw record.
    batch.push({ line: row.line, conversation: row.conversation, problem: row.problem });
    for (const message of row.conversation ?? []) chars += message.content.length;
    if (batch.length >= BATCH_ROWS || chars >= BATCH_CHARS) {
      await send(batch);
      batch = [];
      chars = 0;
    }
  }
  if (batch.length > 0) await send(batch);
  while (written < sent) await takeAnswer();
  report(true);
}

function leastBusy(inFlight: readonly number[]): number {
  let best = 0;
  for (let worker = 1; worker < inFlight.length; worker++) if ((inFlight[worker] as number) < (inFlight[best] as number)) best = worker;
  return best;
}

function checkOptions(options: PrepareOptions): void {
  const problems: string[] = [];
  if (!Number.isInteger(options.maxLength) || options.maxLength < 2) problems.push(`maxLength must be a whole number of at least 2 (got ${options.maxLength})`);
  if (!(options.validationPercent >= 0 && options.validationPercent <= 50)) problems.push(`validationPercent must be between 0 and 50 (got ${options.validationPercent})`);
  if (!Number.isInteger(options.seed)) problems.push(`seed must be a whole number (got ${options.seed})`);
  if (problems.length > 0) throw new LatheError('invalid_input', `Cannot prepare with these options: ${problems.join('; ')}.`);
}

function nothingToTrain(outcome: PreparationOutcome): LatheError {
  if (outcome.splits.validation.examples > 0) {
    return new LatheError('invalid_input', `All ${outcome.splits.validation.examples} examples fell in the validation split; lower the validation percentage or add rows.`);
  }
  const { overlong, duplicates, invalid } = outcome.dropped;
  const reasons = outcome.problems.slice(0, 3).map((problem) => `line ${problem.line}: ${problem.reason}`);
  return new LatheError(
    'invalid_input',
    `None of the ${outcome.rows} rows became a training example (${invalid} could not be used, ${overlong} too long, ${duplicates} duplicates)${reasons.length > 0 ? `. ${reasons.join('; ')}` : ''}.`,
  );
}

/** Renames the finished folder into place; an older folder there is moved aside first and removed after. */
async function moveIntoPlace(temp: string, outDir: string): Promise<void> {
  if (!existsSync(outDir)) {
    await rename(temp, outDir);
    return;
  }
  const aside = `${outDir}.old-${randomBytes(4).toString('hex')}`;
  await rename(outDir, aside);
  await rename(temp, outDir);
  await rm(aside, { recursive: true, force: true });
}
