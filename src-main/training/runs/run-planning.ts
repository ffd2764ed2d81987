/**
 * Gathering what planning a run needs (the model's entry and header, the dataset's counts, the
 * hardware and Python reports) from the services, so the plan itself stays a pure function
 * (src-main/training/plan/).
 */
import type { DatasetEntry, DatasetEvent, HardwareReport, ModelEntry, PreparedSummary, PrepareOptions, PythonReport, RunPlan, RunRequest } from '../../contract';
import { datasetStatsFor, planRun, readShapeHeader } from '../plan';
import type { ShapeFromHeader } from '../memory-model-shape';

/** What the run service uses of the other services. */
export interface PlanningSources {
  models: { get(id: string): ModelEntry };
  datasets: {
    get(id: string): DatasetEntry;
    prepare(id: string, modelId: string, options: PrepareOptions): Promise<PreparedSummary>;
    prepared(id: string): PreparedSummary[];
    subscribe?(listener: (event: DatasetEvent) => void): () => void;
  };
  hardware: { report(): Promise<HardwareReport> };
  python: { report(): Promise<PythonReport> };
}

export interface PlannedRun {
  plan: RunPlan;
  model: ModelEntry;
  dataset: DatasetEntry;
  python: PythonReport;
}

export async function planFor(sources: PlanningSources, request: RunRequest): Promise<PlannedRun> {
  const model = sources.models.get(request.modelId);
  const dataset = sources.datasets.get(request.datasetId);
  const [hardware, python, header] = await Promise.all([sources.hardware.report(), sources.python.report(), headerOf(model)]);
  const prepared = sources.datasets.prepared(dataset.id);
  const inputs = {
    preset: request.preset,
    overrides: request.settings ?? {},
    model: { entry: model, header },
    hardware,
    python,
    prepare: request.prepare,
  };
  // The preset chooses max length from the dataset; the counts then follow the chosen length.
  const first = planRun({ ...inputs, dataset: datasetStatsFor(dataset, prepared, model.id, request.settings?.maxLength ?? Number.MAX_SAFE_INTEGER, request.prepare) });
  const dataStats = datasetStatsFor(dataset, prepared, model.id, first.settings.maxLength, request.prepare);
  const plan = planRun({ ...inputs, dataset: dataStats });
  return { plan, model, dataset, python };
}

/** The header values the estimator needs; null for a file whose header cannot give them (the plan lists why). */
async function headerOf(model: ModelEntry): Promise<ShapeFromHeader | null> {
  if (model.status !== 'ready') return null;
  try {
    return await readShapeHeader(model.path);
  } catch {
    return null;
  }
}
