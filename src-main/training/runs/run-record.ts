/**
 * A run as the service keeps it (`RunRecord`: the catalog row, in the app's words) and as the
 * contract shows it (`RunEntry`). The record holds what the entry does not show (pid, request,
 * where its base model and prepared data are) so a run can be started again after a restart.
 */
import type { DatasetEntry, ModelEntry, RunEntry, RunError, RunPlan, RunPreset, RunRequest, RunSettings, RunStatus } from '../../contract';

export interface RunRecord {
  id: string;
  name: string;
  modelId: string;
  modelName: string;
  datasetId: string;
  datasetName: string;
  preset: RunPreset;
  settings: RunSettings;
  request: RunRequest;
  status: RunStatus;
  /** The device the run queues on (`cpu`, `cuda:0`, `mps`). */
  device: string;
  pid: number | null;
  dir: string;
  baseModelPath: string | null;
  preparedDir: string | null;
  step: number;
  totalSteps: number | null;
  trainLoss: number | null;
  valLoss: number | null;
  activeSeconds: number;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  error: RunError | null;
  adapterPath: string | null;
  lastCheckpoint: { step: number; path: string } | null;
  memoryEstimateBytes: number | null;
  memoryPeakBytes: number | null;
}

export const SETTLED_RUN_STATUSES: readonly RunStatus[] = ['completed', 'stopped', 'failed', 'interrupted'];

export function isSettled(status: RunStatus): boolean {
  return SETTLED_RUN_STATUSES.includes(status);
}

/**
 * Whether `resume` can continue the run: stopped or failed ones from their last checkpoint;
 * interrupted ones always (from the last checkpoint, else from the first step, since the
 * person never chose to end them).
 */
export function isResumable(run: Pick<RunRecord, 'status' | 'lastCheckpoint'>): boolean {
  if (run.status === 'interrupted') return true;
  return (run.status === 'stopped' || run.status === 'failed') && run.lastCheckpoint !== null;
}

export function toRunEntry(run: RunRecord, live: { queuePosition: number | null; etaSeconds: number | null }): RunEntry {
  return {
    id: run.id,
    name: run.name,
    modelId: run.modelId,
    modelName: run.modelName,
    datasetId: run.datasetId,
    datasetName: run.datasetName,
    preset: run.preset,
    settings: run.settings,
    status: run.status,
    queuePosition: run.status === 'queued' ? live.queuePosition : null,
    step: run.step,
    totalSteps: run.totalSteps,
    trainLoss: run.trainLoss,
    valLoss: run.valLoss,
    activeSeconds: run.activeSeconds,
    etaSeconds: run.status === 'running' ? live.etaSeconds : null,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    error: run.error,
    dir: run.dir,
    adapterPath: run.adapterPath,
    lastCheckpoint: run.lastCheckpoint,
    resumable: isResumable(run),
    memory: { estimatedBytes: run.memoryEstimateBytes, measuredPeakBytes: run.memoryPeakBytes, device: run.device },
  };
}

/** A run just asked for: preparing, nothing trained yet. */
export function newRunRecord(input: {
  id: string;
  dir: string;
  request: RunRequest;
  plan: RunPlan;
  model: ModelEntry;
  dataset: DatasetEntry;
  device: string;
  createdAt: number;
}): RunRecord {
  const { request, plan, model, dataset } = input;
  const modelName = model.facts?.displayName ?? model.id;
  return {
    id: input.id,
    name: request.name ?? `${modelName} on ${dataset.name}`,
    modelId: model.id,
    modelName,
    datasetId: dataset.id,
    datasetName: dataset.name,
    preset: plan.preset,
    settings: plan.settings,
    request,
    status: 'preparing',
    device: input.device,
    pid: null,
    dir: input.dir,
    baseModelPath: model.path,
    preparedDir: null,
    step: 0,
    totalSteps: plan.totalSteps,
    trainLoss: null,
    valLoss: null,
    activeSeconds: 0,
    createdAt: input.createdAt,
    startedAt: null,
    endedAt: null,
    error: null,
    adapterPath: null,
    lastCheckpoint: null,
    memoryEstimateBytes: plan.memory.totalBytes,
    memoryPeakBytes: null,
  };
}
