/**
 * The composition root: builds every main-process service from plain inputs (paths,
 * environment, platform) and wires them to the contract's handlers. The Electron entry and
 * the command line (`lathe serve`, `lathe system info`, `lathe model …`) all start Lathe
 * through here, so the window and the browser see the same services.
 */
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { openCatalog, type Catalog } from '../catalog/catalog';
import { HardwareService } from '../hardware/hardware-service';
import { chooseThreads } from '../hardware/choose-threads';
import { DatasetLibrary } from '../datasets/dataset-library';
import { inspectDataset, readDatasetRows } from '../datasets/inspect-dataset';
import { PREPARE_WORKER_FILE } from '../datasets/prepare';
import { preparationEngine } from '../datasets/prepare-engine';
import { assertLoadable } from '../inference/assert-loadable';
import { InferenceService } from '../inference/inference-service';
import { assertAdapterFits } from '../inference/assert-adapter-fits';
import { EvaluationService } from '../evaluation/evaluation-service';
import { ExportService } from '../exports/export-service';
import { inspectGguf } from '../models/gguf/inspect-gguf';
import { ModelLibrary } from '../models/model-library';
import { HubService } from '../models/hub/hub-service';
import { UploadSessions } from '../models/upload-sessions';
import { PythonDiscovery } from '../python/python-discovery';
import { RunService } from '../training/runs/run-service';
import { runProcess } from '../process/run-process';
import type { AppInfo } from '../contract';
import type { Handlers } from '../transport/contract-server';
import { ensureWritableDataDir } from './data-dir';
import type { DesktopShell } from './desktop-shell';
import { datasetHandlers } from './dataset-handlers';
import { evaluationHandlers } from './evaluation-handlers';
import { hubHandlers } from './hub-handlers';
import { modelHandlers } from './model-handlers';
import { playgroundHandlers } from './playground-handlers';
import { runHandlers } from './run-handlers';
import { runtimeHandlers, startRuntimeEnvironment } from './runtime-handlers';
import type { AppPaths } from './paths';

export interface LatheServicesOptions {
  dataDir: string;
  paths: Pick<AppPaths, 'runtimeDir' | 'inferenceWorker' | 'samplesDir'>;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  version: string;
  transport: AppInfo['transport'];
  /** Native dialogs and the file manager; null outside the desktop app. */
  desktop?: DesktopShell | null;
  logError?: (context: string, error: unknown) => void;
  /** The Hugging Face Hub to download from (default: LATHE_HUB_URL, else huggingface.co). */
  hubUrl?: string;
  /**
   * Continue unfinished downloads at start (the window, `lathe serve`). A one-shot command
   * leaves them for the next long-lived start instead of beginning and stopping them.
   */
  resumeDownloads?: boolean;
}

export interface LatheServices {
  catalog: Catalog;
  hardware: HardwareService;
  python: PythonDiscovery;
  models: ModelLibrary;
  datasets: DatasetLibrary;
  uploads: UploadSessions;
  inference: InferenceService;
  runs: RunService;
  evaluation: EvaluationService;
  exports: ExportService;
  hub: HubService;
  handlers: Handlers;
  close(): Promise<void>;
}

export async function startLatheServices(options: LatheServicesOptions): Promise<LatheServices> {
  await ensureWritableDataDir(options.dataDir);
  const catalog = openCatalog(join(options.dataDir, 'catalog.sqlite'));
  const hardware = new HardwareService({ runProcess, dataDir: options.dataDir, logError: options.logError });
  const python = new PythonDiscovery({
    runProcess,
    env: options.env,
    platform: options.platform,
    dataDir: options.dataDir,
    runtimeDir: options.paths.runtimeDir,
  });
  const models = new ModelLibrary({
    db: catalog.db,
    dataDir: options.dataDir,
    inspect: inspectGguf,
    discoveryInputs: { env: options.env, platform: options.platform, home: homedir() },
  });
  await models.start();
  const datasets = new DatasetLibrary({
    db: catalog.db,
    dataDir: options.dataDir,
    inspect: inspectDataset,
    readRows: readDatasetRows,
    // The preparing worker is built beside the inference worker (out/main/).
    prepare: preparationEngine(join(dirname(options.paths.inferenceWorker), PREPARE_WORKER_FILE)),
    models: { get: (id) => models.get(id), assertLoadable },
    logError: options.logError,
  });
  await datasets.start();
  const hub = new HubService({ dataDir: options.dataDir, hubUrl: options.hubUrl, env: options.env, hardware: () => hardware.report(), secrets: options.desktop?.secrets, library: models, logError: options.logError });
  await hub.start({ resumeDownloads: options.resumeDownloads ?? true });
  const uploads = new UploadSessions({ dataDir: options.dataDir, library: models, finishers: { dataset: (upload) => datasets.adoptUpload(upload) } });
  const inference = new InferenceService({
    workerPath: options.paths.inferenceWorker,
    settings: await inferenceSettings(hardware),
    checkModel: assertLoadable,
    onWorkerExit: (description) => options.logError?.('inference', new Error(`worker ${description}`)),
  });
  const runs = new RunService({
    db: catalog.db,
    dataDir: options.dataDir,
    runtimeDir: options.paths.runtimeDir,
    models,
    datasets,
    hardware,
    python,
    env: options.env,
    notify: options.desktop ? (title, body) => options.desktop?.notify(title, body) : undefined,
    logError: options.logError,
  });
  await runs.start();
  // Every completed run is evaluated as it finishes (issue 7).
  const evaluation = new EvaluationService({ runs, inference, logError: options.logError });
  const exports = new ExportService({ runs, inference, python: () => python.report(), runtimeDir: options.paths.runtimeDir, env: options.env, platform: options.platform, checkAdapter: assertAdapterFits });
  const runtime = await startRuntimeEnvironment({ dataDir: options.dataDir, runtimeDir: options.paths.runtimeDir, env: options.env, platform: options.platform, runProcess, hardware: () => hardware.report(), python });
  const appInfo: AppInfo = { version: options.version, dataDir: options.dataDir, transport: options.transport };

  const handlers: Handlers = {
    'app.info': () => appInfo,
    'system.hardware': () => hardware.report(),
    'system.python': ({ refresh }) => python.report({ refresh: refresh ?? false }),
    'system.info': async () => {
      const [hardwareReport, pythonReport] = await Promise.all([hardware.report(), python.report()]);
      return { hardware: hardwareReport, python: pythonReport };
    },
    'system.watchUsage': ({ intervalMs }, emit) => hardware.watchUsage(intervalMs, emit),
    ...modelHandlers({ models, uploads, desktop: options.desktop ?? null }),
    ...datasetHandlers({ datasets, uploads, desktop: options.desktop ?? null, dataDir: options.dataDir, samplesDir: options.paths.samplesDir }),
    ...runHandlers({ runs, desktop: options.desktop ?? null }),
    ...evaluationHandlers({ evaluation, exports }),
    ...playgroundHandlers({ db: catalog.db, models, runs, inference }),
    ...runtimeHandlers({ runtime, python, desktop: options.desktop ?? null }),
    ...hubHandlers({ hub }),
  };

  return {
    catalog,
    hardware,
    python,
    models,
    datasets,
    uploads,
    inference,
    runs,
    evaluation,
    exports,
    hub,
    handlers,
    close: async () => {
      // Trainers stop first (they checkpoint), while the catalog can still record it.
      evaluation.close();
      await runs.close();
      await runtime.close();
      await hub.close();
      inference.close();
      await datasets.close();
      await models.close();
      catalog.close();
    },
  };
}

/** Threads from the hardware (physical cores); GPU offload only where a GPU was found. */
async function inferenceSettings(hardware: HardwareService): Promise<{ threads: number; gpu: boolean }> {
  const report = await hardware.report();
  return { threads: chooseThreads(report), gpu: report.gpus.some((gpu) => gpu.vendor !== 'other') };
}
