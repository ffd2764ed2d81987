/** The datasets domain's calls over whichever transport this window has. */
import { LatheError } from '../../../src-main/contract';
import { getConnectionStatus, getLathe } from '../transport';
import { pathsOfDroppedFiles } from '../transport/dropped-files';
import { uploadDatasetFile } from '../transport/upload';
import type { DatasetsClient } from './datasets-client';

export const datasetsClient: DatasetsClient = {
  list: () => getLathe().datasets.list({}),
  addPaths: (paths) => getLathe().datasets.addPaths({ paths }),
  pickFiles: () => getLathe().datasets.pickFiles({}),
  upload: (file, options) => uploadDatasetFile(file, options),
  droppedFilePaths(files) {
    if (getConnectionStatus().transport !== 'electron') return null;
    const paths = pathsOfDroppedFiles(files);
    // In Electron an upload has nowhere to go: without the preload's helper, say what still works.
    if (paths === null) throw new LatheError('unavailable', 'This window cannot read the paths of dropped files. Use “Add files…” instead.');
    return paths;
  },
  cancelImport: (id) => getLathe().datasets.cancelImport({ id }),
  reimport: (id) => getLathe().datasets.reimport({ id }),
  setMapping: (id, mapping) => getLathe().datasets.setMapping({ id, mapping }),
  preview: (id, offset, limit) => getLathe().datasets.preview({ id, offset, limit }),
  problems: (id) => getLathe().datasets.problems({ id }),
  remove: (id, deleteFile) => getLathe().datasets.remove(deleteFile ? { id, deleteFile: true } : { id }),
  render: (id, modelId, offset, limit, options) => getLathe().datasets.render({ id, modelId, offset, limit, options }),
  prepare: (id, modelId, options) => getLathe().datasets.prepare({ id, modelId, options }),
  cancelPrepare: (id, modelId) => getLathe().datasets.cancelPrepare({ id, modelId }),
  prepared: (id) => getLathe().datasets.prepared({ id }),
  watch: (onEvent, onError) => getLathe().datasets.events({}, onEvent, onError),
};
