/**
 * The catalog's run rows (schema step 5): `runs`, `run_train_points`, `run_eval_points`,
 * `run_samples`. A record is written whole; points are written in batches by the caller's
 * transaction (`transaction`). A step reported twice (a resume repeats the steps after its
 * checkpoint) keeps the later report.
 */
import type Database from 'better-sqlite3';
import type { RunError, RunEvalPoint, RunMetrics, RunPreset, RunRequest, RunSample, RunSettings, RunStatus, RunTrainPoint } from '../../contract';
import type { RunRecord } from './run-record';

export type TrainPoint = RunTrainPoint;
export type EvalPoint = RunEvalPoint;

interface RunRow {
  id: string;
  name: string;
  model_id: string | null;
  model_name: string;
  dataset_id: string | null;
  dataset_name: string;
  preset: string;
  config_json: string;
  request_json: string | null;
  status: string;
  device: string | null;
  pid: number | null;
  dir: string;
  base_model_path: string | null;
  prepared_dir: string | null;
  step: number;
  total_steps: number | null;
  train_loss: number | null;
  val_loss: number | null;
  active_seconds: number;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  error_json: string | null;
  adapter_path: string | null;
  checkpoint_step: number | null;
  checkpoint_path: string | null;
  memory_estimate_bytes: number | null;
  memory_peak_bytes: number | null;
}

const COLUMNS = `id, name, model_id, model_name, dataset_id, dataset_name, preset, config_json, request_json, status, device, pid, dir,
  base_model_path, prepared_dir, step, total_steps, train_loss, val_loss, active_seconds, created_at, started_at, ended_at,
  error_kind, error_message, error_json, adapter_path, checkpoint_step, checkpoint_path, memory_estimate_bytes, memory_peak_bytes`;

export class RunRepository {
  private readonly upsert: Database.Statement;
  private readonly trainInsert: Database.Statement;
  private readonly evalInsert: Database.Statement;
  private readonly sampleInsert: Database.Statement;

  constructor(private readonly db: Database.Database) {
    // model_id and dataset_id reference their tables: a run rebuilt after its model was
    // removed keeps the name and the request, and null here.
    this.upsert = db.prepare(`INSERT INTO runs (${COLUMNS}) VALUES (
      @id, @name, (SELECT id FROM models WHERE id = @model_id), @model_name, (SELECT id FROM datasets WHERE id = @dataset_id), @dataset_name,
      @preset, @config_json, @request_json, @status, @device, @pid, @dir, @base_model_path, @prepared_dir, @step, @total_steps,
      @train_loss, @val_loss, @active_seconds, @created_at, @started_at, @ended_at, @error_kind, @error_message, @error_json,
      @adapter_path, @checkpoint_step, @checkpoint_path, @memory_estimate_bytes, @memory_peak_bytes)
      ON CONFLICT(id) DO UPDATE SET ${COLUMNS.split(',')
        .map((c) => c.trim())
        .filter((c) => c !== 'id' && c !== 'model_id' && c !== 'dataset_id')
        .map((c) => `${c} = excluded.${c}`)
        .join(', ')}`);
    this.trainInsert = db.prepare(`INSERT OR REPLACE INTO run_train_points (run_id, step, time, loss, lr, grad_norm, tokens_per_second, memory_bytes)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    this.evalInsert = db.prepare('INSERT OR REPLACE INTO run_eval_points (run_id, step, val_loss) VALUES (?, ?, ?)');
    this.sampleInsert = db.prepare(`INSERT INTO run_samples (run_id, step, seq, prompt, output, reference)
      VALUES (?, ?, (SELECT count(*) FROM run_samples WHERE run_id = ? AND step = ?), ?, ?, ?)`);
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  save(run: RunRecord): void {
    this.upsert.run(toRow(run));
  }

  get(id: string): RunRecord | null {
    const row = this.db.prepare(`SELECT * FROM runs WHERE id = ?`).get(id) as RunRow | undefined;
    return row ? fromRow(row) : null;
  }

  /** Newest first. */
  list(): RunRecord[] {
    return (this.db.prepare('SELECT * FROM runs ORDER BY created_at DESC, id').all() as RunRow[]).map(fromRow);
  }

  listByStatus(statuses: readonly RunStatus[]): RunRecord[] {
    const marks = statuses.map(() => '?').join(', ');
    return (this.db.prepare(`SELECT * FROM runs WHERE status IN (${marks}) ORDER BY created_at, id`).all(...statuses) as RunRow[]).map(fromRow);
  }

  addTrainPoint(runId: string, p: TrainPoint): void {
    this.trainInsert.run(runId, p.step, p.time, p.loss, p.lr, p.gradNorm, p.tokensPerSecond, p.memoryBytes);
  }

  addEvalPoint(runId: string, p: EvalPoint): void {
    this.evalInsert.run(runId, p.step, p.valLoss);
  }

  addSample(runId: string, s: RunSample): void {
    this.sampleInsert.run(runId, s.step, runId, s.step, s.prompt, s.output, s.reference);
  }

  metrics(runId: string): RunMetrics {
    const train: RunMetrics['train'] = { step: [], time: [], loss: [], lr: [], gradNorm: [], tokensPerSecond: [], memoryBytes: [] };
    const rows = this.db
      .prepare('SELECT step, time, loss, lr, grad_norm, tokens_per_second, memory_bytes FROM run_train_points WHERE run_id = ? ORDER BY step')
      .raw()
      .iterate(runId) as IterableIterator<[number, number, number | null, number, number | null, number, number | null]>;
    for (const [step, time, loss, lr, gradNorm, tps, memory] of rows) {
      train.step.push(step);
      train.time.push(time);
      train.loss.push(loss);
      train.lr.push(lr);
      train.gradNorm.push(gradNorm);
      train.tokensPerSecond.push(tps);
      train.memoryBytes.push(memory);
    }
    const evalRows = this.db.prepare('SELECT step, val_loss FROM run_eval_points WHERE run_id = ? ORDER BY step').raw().all(runId) as [number, number | null][];
    return { train, eval: { step: evalRows.map((r) => r[0]), valLoss: evalRows.map((r) => r[1]) } };
  }

  samples(runId: string): RunSample[] {
    return (
      this.db.prepare('SELECT step, prompt, output, reference FROM run_samples WHERE run_id = ? ORDER BY step, seq').all(runId) as RunSample[]
    ).map((s) => ({ step: s.step, prompt: s.prompt, output: s.output, reference: s.reference }));
  }

  /** The run and everything recorded for it (points and samples go with it: ON DELETE CASCADE). */
  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM runs WHERE id = ?').run(id).changes > 0;
  }
}

function toRow(run: RunRecord): Record<string, unknown> {
  return {
    id: run.id,
    name: run.name,
    model_id: run.modelId,
    model_name: run.modelName,
    dataset_id: run.datasetId,
    dataset_name: run.datasetName,
    preset: run.preset,
    config_json: JSON.stringify(run.settings),
    request_json: JSON.stringify(run.request),
    status: run.status,
    device: run.device,
    pid: run.pid,
    dir: run.dir,
    base_model_path: run.baseModelPath,
    prepared_dir: run.preparedDir,
    step: run.step,
    total_steps: run.totalSteps,
    train_loss: run.trainLoss,
    val_loss: run.valLoss,
    active_seconds: run.activeSeconds,
    created_at: run.createdAt,
    started_at: run.startedAt,
    ended_at: run.endedAt,
    error_kind: run.error?.kind ?? null,
    error_message: run.error?.message ?? null,
    error_json: run.error ? JSON.stringify(run.error) : null,
    adapter_path: run.adapterPath,
    checkpoint_step: run.lastCheckpoint?.step ?? null,
    checkpoint_path: run.lastCheckpoint?.path ?? null,
    memory_estimate_bytes: run.memoryEstimateBytes,
    memory_peak_bytes: run.memoryPeakBytes,
  };
}

/** The request keeps the model and dataset ids after either is removed (their columns become null). */
function fromRow(row: RunRow): RunRecord {
  const request = row.request_json ? (JSON.parse(row.request_json) as RunRequest) : null;
  return {
    id: row.id,
    name: row.name,
    modelId: request?.modelId ?? row.model_id ?? '',
    modelName: row.model_name,
    datasetId: request?.datasetId ?? row.dataset_id ?? '',
    datasetName: row.dataset_name,
    preset: row.preset as RunPreset,
    settings: JSON.parse(row.config_json) as RunSettings,
    request: request ?? { modelId: row.model_id ?? '', datasetId: row.dataset_id ?? '', preset: row.preset as RunPreset },
    status: row.status as RunStatus,
    device: row.device ?? 'cpu',
    pid: row.pid,
    dir: row.dir,
    baseModelPath: row.base_model_path,
    preparedDir: row.prepared_dir,
    step: row.step,
    totalSteps: row.total_steps,
    trainLoss: row.train_loss,
    valLoss: row.val_loss,
    activeSeconds: row.active_seconds,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    error: row.error_json ? (JSON.parse(row.error_json) as RunError) : null,
    adapterPath: row.adapter_path,
    lastCheckpoint: row.checkpoint_step !== null && row.checkpoint_path !== null ? { step: row.checkpoint_step, path: row.checkpoint_path } : null,
    memoryEstimateBytes: row.memory_estimate_bytes,
    memoryPeakBytes: row.memory_peak_bytes,
  };
}
