/**
 * A run as the service keeps it (`RunRecord`: the catalog row, in the app's words) and as the
 * contract shows it (`RunEntry`). The record holds what the entry does not show (pid, request,
 * where its base model and prepared data are) so a run can be started again after a restart.
 */
import type { DatasetEntry, ModelEntry, RunEntry, RunPlan, RunRequest, RunStatus } from '../../contract';

/** The entry's stored fields (what it derives — queue place, ETA, resumable, memory — is left out), plus what only the service needs. */
export interface RunRecord extends Omit<RunEntry, 'queuePosition' | 'etaSeconds' | 'resumable' | 'memory'> {
  request: RunRequest;
  /** The device the run queues on (`cpu`, `cuda:0`, `mps`). */
  device: string;
  pid: number | null;
  baseModelPath: string | null;
  preparedDir: string | null;
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
  const { request: _request, device, pid: _pid, baseModelPath: _base, preparedDir: _prepared, memoryEstimateBytes, memoryPeakBytes, ...stored } = run;
  return {
    ...stored,
    queuePosition: run.status === 'queued' ? live.queuePosition : null,
    etaSeconds: run.status === 'running' ? live.etaSeconds : null,
    resumable: isResumable(run),
    memory: { estimatedBytes: memoryEstimateBytes, measuredPeakBytes: memoryPeakBytes, device },
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
