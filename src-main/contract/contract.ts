/**
 * The one list of everything the UI can ask of the main process. The Electron preload, the
 * web transport's client and the main-side dispatcher are all built from this object, so a
 * call that is not declared here cannot be made, and a declared one cannot drift between
 * transports. Later domains (models, datasets, runs…) add their entries here.
 */
import { z } from 'zod';
import { call, stream, type ApiOf } from './define';
import type { AppInfo, HardwareReport, PythonReport, SystemReport, UsageSample } from './system-types';
import type { AddModelsResult, ModelEntry, ModelEvent, SuggestedModelFolder, UploadSession } from './model-types';
import type { DatasetEntry, DatasetEvent, DatasetPreviewRow, PreparedSummary, RenderedExample, RowProblem } from './dataset-types';
import type { RunDetail, RunEntry, RunEvent, RunPlan, RunSpeed } from './run-types';
import { hubContract } from './hub-contract';
import { runtimeContract } from './runtime-contract';
import { evaluationContract, playgroundContract } from './playground-contract';

const nothing = z.object({}).strict();
const id = z.string().min(1).max(200);
const byId = z.object({ id }).strict();

const datasetShape = z.enum(['messages', 'sharegpt', 'alpaca', 'prompt_completion', 'input_output', 'question_answer', 'text']);
const columnMapping = z.object({ shape: datasetShape, columns: z.record(z.string().max(100), z.string().max(500)) }).strict();
const prepareOptions = z
  .object({
    maxLength: z.number().int().min(16).max(1 << 20),
    overlong: z.enum(['truncate', 'drop']),
    lossOn: z.enum(['assistant', 'all']),
    validationPercent: z.number().min(0).max(50),
    seed: z.number().int().nonnegative(),
    dropDuplicates: z.boolean(),
    template: z.enum(['model', 'chatml']),
  })
  .strict();

const loraTarget = z.enum(['q', 'k', 'v', 'o', 'gate', 'up', 'down']);
/** Types and ranges only; combinations are judged by the training service (`runs.plan` lists them). */
const settingsOverrides = z
  .object({
    lora: z
      .object({
        rank: z.number().int().min(1).max(1024),
        alpha: z.number().positive().max(1e6),
        dropout: z.number().min(0).max(0.9),
        rslora: z.boolean(),
        targets: z.array(loraTarget).min(1).max(7),
      })
      .partial()
      .strict(),
    optimizer: z.object({ lr: z.number().positive().max(1), weightDecay: z.number().min(0).max(10) }).partial().strict(),
    schedule: z.object({ kind: z.enum(['cosine', 'linear', 'constant']), warmupSteps: z.number().int().min(0).max(1e7) }).partial().strict(),
    steps: z.number().int().min(1).max(1e8).nullable(),
    epochs: z.number().positive().max(1e4).nullable(),
    microBatchSize: z.number().int().min(1).max(4096),
    gradientAccumulation: z.number().int().min(1).max(4096),
    maxGradNorm: z.number().positive().max(1e6).nullable(),
    maxLength: z.number().int().min(16).max(1 << 20),
    seed: z.number().int().nonnegative().max(2 ** 31),
    precision: z.enum(['auto', 'fp32', 'bf16', 'fp16']),
    gradientCheckpointing: z.boolean(),
    packing: z.boolean(),
    baseWeights: z.enum(['dequantize', 'quantized']),
    evalEvery: z.number().int().min(0).max(1e8),
    checkpointEvery: z.number().int().min(0).max(1e8),
    sampleEvery: z.number().int().min(0).max(1e8),
    device: z.string().regex(/^(auto|cpu|mps|cuda(:\d{1,2})?)$/),
  })
  .partial()
  .strict();
const runRequest = z
  .object({
    modelId: id,
    datasetId: id,
    preset: z.enum(['quick', 'balanced', 'thorough']),
    settings: settingsOverrides.optional(),
    prepare: prepareOptions.omit({ maxLength: true }).partial().optional(),
    name: z.string().min(1).max(200).optional(),
  })
  .strict();

export const contract = {
  'app.info': call(nothing).returns<AppInfo>(),
  'system.info': call(nothing).returns<SystemReport>(),
  'system.hardware': call(nothing).returns<HardwareReport>(),
  'system.python': call(z.object({ refresh: z.boolean().optional() }).strict()).returns<PythonReport>(),
  'system.watchUsage': stream(
    z.object({ intervalMs: z.number().int().min(250).max(60_000) }).strict(),
  ).emits<UsageSample>(),

  'models.list': call(z.object({ query: z.string().max(500).optional() }).strict()).returns<ModelEntry[]>(),
  'models.get': call(byId).returns<ModelEntry>(),
  /**
   * Files dropped on the Electron window (the preload turns each File into its path) and the
   * command line. Only .gguf files are taken; a folder is scanned and watched.
   */
  'models.addPaths': call(z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(1000) }).strict()).returns<AddModelsResult>(),
  /** Opens the platform's file dialog (Electron only; the web transport answers `unavailable`). */
  'models.pickFiles': call(nothing).returns<AddModelsResult>(),
  'models.pickFolder': call(nothing).returns<AddModelsResult>(),
  'models.suggestedFolders': call(nothing).returns<SuggestedModelFolder[]>(),
  'models.addSuggestedFolder': call(byId).returns<AddModelsResult>(),
  /** Removes the entry; the file too when Lathe owns it, or when `deleteFile` confirms it for a file the person imported in place. */
  'models.remove': call(z.object({ id, deleteFile: z.boolean().optional() }).strict()).returns<{ deletedFile: boolean }>(),
  'models.reveal': call(byId).returns<{ path: string }>(),
  'models.startHash': call(byId).returns<{ started: boolean }>(),
  'models.cancelHash': call(byId).returns<{ cancelled: boolean }>(),
  /** Web uploads: begin (or resume) a session, send bytes over HTTP PUT /upload/<uploadId>, then finish. */
  'models.beginUpload': call(
    z.object({ fileName: z.string().min(1).max(255), size: z.number().int().positive().max(2 ** 50) }).strict(),
  ).returns<UploadSession>(),
  'models.finishUpload': call(z.object({ uploadId: id }).strict()).returns<ModelEntry>(),
  'models.cancelUpload': call(z.object({ uploadId: id }).strict()).returns<{ cancelled: boolean }>(),
  'models.events': stream(nothing).emits<ModelEvent>(),

  'datasets.list': call(nothing).returns<DatasetEntry[]>(),
  'datasets.get': call(byId).returns<DatasetEntry>(),
  /** Files dropped on the Electron window and the command line; each is imported in place. */
  'datasets.addPaths': call(z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(100) }).strict()).returns<DatasetEntry[]>(),
  'datasets.pickFiles': call(nothing).returns<DatasetEntry[]>(),
  /** Web uploads, as for models: begin (or resume), HTTP PUT /upload/<uploadId>, then finish (which imports). */
  'datasets.beginUpload': call(
    z.object({ fileName: z.string().min(1).max(255), size: z.number().int().positive().max(2 ** 50) }).strict(),
  ).returns<UploadSession>(),
  'datasets.finishUpload': call(z.object({ uploadId: id }).strict()).returns<DatasetEntry>(),
  'datasets.cancelUpload': call(z.object({ uploadId: id }).strict()).returns<{ cancelled: boolean }>(),
  /** Stops an import in progress; its partial work is removed. */
  'datasets.cancelImport': call(byId).returns<{ cancelled: boolean }>(),
  'datasets.reimport': call(byId).returns<DatasetEntry>(),
  'datasets.setMapping': call(z.object({ id, mapping: columnMapping.nullable() }).strict()).returns<DatasetEntry>(),
  'datasets.preview': call(
    z.object({ id, offset: z.number().int().nonnegative(), limit: z.number().int().min(1).max(200) }).strict(),
  ).returns<DatasetPreviewRow[]>(),
  /** Every problem of the last import, for the downloadable report. */
  'datasets.problems': call(byId).returns<RowProblem[]>(),
  'datasets.remove': call(z.object({ id, deleteFile: z.boolean().optional() }).strict()).returns<{ deletedFile: boolean }>(),
  /** Rows rendered with the model's chat template, the trained spans marked. */
  'datasets.render': call(
    z.object({ id, modelId: id, offset: z.number().int().nonnegative(), limit: z.number().int().min(1).max(50), options: prepareOptions }).strict(),
  ).returns<RenderedExample[]>(),
  /** Tokenizes with the model, computes statistics, writes (or reuses) the prepared files. */
  'datasets.prepare': call(z.object({ id, modelId: id, options: prepareOptions }).strict()).returns<PreparedSummary>(),
  'datasets.cancelPrepare': call(z.object({ id, modelId: id }).strict()).returns<{ cancelled: boolean }>(),
  'datasets.prepared': call(byId).returns<PreparedSummary[]>(),
  'datasets.events': stream(nothing).emits<DatasetEvent>(),
  /** Imports the question/answer set bundled with Lathe (the one `npm run demo` trains on). */
  'datasets.addSample': call(nothing).returns<DatasetEntry>(),

  /** The wizard's preview: resolved settings, problems, memory-fit estimate. Starts nothing. */
  'runs.plan': call(runRequest).returns<RunPlan>(),
  /** Runs a few real steps of the planned run to time it (tens of seconds); nothing is kept. */
  'runs.measureSpeed': call(runRequest).returns<RunSpeed>(),
  /** Queues the run (preparing the dataset first when needed); refused while `runs.plan` lists problems. */
  'runs.start': call(runRequest).returns<RunEntry>(),
  'runs.list': call(nothing).returns<RunEntry[]>(),
  /** The run with its metrics, samples and log tail (the Runs page and compare view). */
  'runs.get': call(byId).returns<RunDetail>(),
  'runs.pause': call(byId).returns<RunEntry>(),
  /** Continues a paused run, or queues a stopped / interrupted / failed one from its last checkpoint. */
  'runs.resume': call(byId).returns<RunEntry>(),
  /** Stops after writing a checkpoint (a queued run is simply taken off the queue). */
  'runs.stop': call(byId).returns<RunEntry>(),
  /** Removes the run and its folder; refused while it is active. */
  'runs.remove': call(byId).returns<{ removed: boolean }>(),
  'runs.reveal': call(byId).returns<{ path: string }>(),
  'runs.events': stream(nothing).emits<RunEvent>(),
  ...hubContract,
  ...runtimeContract,
  ...playgroundContract,
  ...evaluationContract,
} as const;

export type Contract = typeof contract;
export type ContractName = keyof Contract;
export type LatheApi = ApiOf<Contract>;

export function isContractName(name: unknown): name is ContractName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}
