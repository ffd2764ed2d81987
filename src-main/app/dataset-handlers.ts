/** The `datasets.*` part of the contract, answered by the dataset library and the upload sessions. */
import type { Contract, HandlersOf } from '../contract';
import type { DatasetLibrary } from '../datasets/dataset-library';
import type { UploadSessions } from '../models/upload-sessions';
import { requireDesktop, type DesktopShell } from './desktop-shell';
import { addSampleDataset } from './sample-dataset';

type DatasetContract = { [K in keyof Contract as K extends `datasets.${string}` ? K : never]: Contract[K] };

/** What the file dialog offers; the readers judge files by content, so this is only a filter for the person. */
export const DATASET_EXTENSIONS = ['jsonl', 'json', 'csv', 'tsv', 'parquet', 'txt'];

export interface DatasetHandlerDeps {
  datasets: DatasetLibrary;
  uploads: UploadSessions;
  desktop: DesktopShell | null;
  /** The data folder (the sample set is copied into it) and where the bundled samples are. */
  dataDir: string;
  samplesDir: string;
}

export function datasetHandlers(deps: DatasetHandlerDeps): HandlersOf<DatasetContract> {
  const { datasets, uploads, desktop, dataDir, samplesDir } = deps;
  return {
    'datasets.list': () => datasets.list(),
    'datasets.get': ({ id }) => datasets.get(id),
    'datasets.addPaths': ({ paths }) => datasets.addPaths(paths),
    'datasets.pickFiles': async () => {
      const paths = await requireDesktop(desktop, 'Choosing files').pickFiles({ title: 'Add datasets', extensions: DATASET_EXTENSIONS });
      return paths.length === 0 ? [] : datasets.addPaths(paths);
    },
    'datasets.beginUpload': (input) => uploads.begin({ ...input, purpose: 'dataset' }),
    'datasets.finishUpload': ({ uploadId }) => uploads.finish(uploadId, 'dataset'),
    'datasets.cancelUpload': ({ uploadId }) => uploads.cancel(uploadId),
    'datasets.cancelImport': ({ id }) => datasets.cancelImport(id),
    'datasets.reimport': ({ id }) => datasets.reimport(id),
    'datasets.setMapping': ({ id, mapping }) => datasets.setMapping(id, mapping),
    'datasets.preview': ({ id, offset, limit }) => datasets.preview(id, offset, limit),
    'datasets.problems': ({ id }) => datasets.problems(id),
    'datasets.remove': ({ id, deleteFile }) => datasets.remove(id, deleteFile),
    'datasets.render': ({ id, modelId, offset, limit, options }) => datasets.render(id, modelId, offset, limit, options),
    'datasets.prepare': ({ id, modelId, options }) => datasets.prepare(id, modelId, options),
    'datasets.cancelPrepare': ({ id, modelId }) => datasets.cancelPrepare(id, modelId),
    'datasets.prepared': ({ id }) => datasets.prepared(id),
    'datasets.events': (_input, emit) => datasets.subscribe(emit),
    'datasets.addSample': () => addSampleDataset({ datasets, dataDir, samplesDir }),
  };
}
