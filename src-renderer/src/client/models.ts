/** The models domain's calls over whichever transport this window has. */
import { LatheError } from '../../../src-main/contract';
import { getConnectionStatus, getLathe } from '../transport';
import { pathsOfDroppedFiles } from '../transport/dropped-files';
import { uploadModelFile } from '../transport/upload';
import type { ModelsClient } from './models-client';

export const modelsClient: ModelsClient = {
  list: () => getLathe().models.list({}),
  addPaths: (paths) => getLathe().models.addPaths({ paths }),
  pickFiles: () => getLathe().models.pickFiles({}),
  pickFolder: () => getLathe().models.pickFolder({}),
  suggestedFolders: () => getLathe().models.suggestedFolders({}),
  addSuggestedFolder: (id) => getLathe().models.addSuggestedFolder({ id }),
  remove: (id, deleteFile) => getLathe().models.remove(deleteFile ? { id, deleteFile: true } : { id }),
  reveal: (id) => getLathe().models.reveal({ id }),
  startHash: (id) => getLathe().models.startHash({ id }),
  cancelHash: (id) => getLathe().models.cancelHash({ id }),
  upload: (file, options) => uploadModelFile(file, options),
  droppedFilePaths(files) {
    if (getConnectionStatus().transport !== 'electron') return null;
    const paths = pathsOfDroppedFiles(files);
    // In Electron an upload has nowhere to go: without the preload's helper, say what still works.
    if (paths === null) throw new LatheError('unavailable', 'This window cannot read the paths of dropped files. Use “Add files…” instead.');
    return paths;
  },
  watch: (onEvent, onError) => getLathe().models.events({}, onEvent, onError),
};
