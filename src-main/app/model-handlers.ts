/** The `models.*` part of the contract, answered by the model library and upload sessions. */
import type { Contract, HandlersOf } from '../contract';
import type { ModelLibrary } from '../models/model-library';
import type { UploadSessions } from '../models/upload-sessions';
import { requireDesktop, type DesktopShell } from './desktop-shell';

type ModelContract = { [K in keyof Contract as K extends `models.${string}` ? K : never]: Contract[K] };

export function modelHandlers(deps: { models: ModelLibrary; uploads: UploadSessions; desktop: DesktopShell | null }): HandlersOf<ModelContract> {
  const { models, uploads, desktop } = deps;
  return {
    'models.list': ({ query }) => models.list(query),
    'models.get': ({ id }) => models.get(id),
    'models.addPaths': ({ paths }) => models.addPaths(paths),
    'models.pickFiles': async () => {
      const paths = await requireDesktop(desktop, 'Choosing files').pickFiles({ title: 'Add GGUF models', extensions: ['gguf'] });
      return paths.length === 0 ? { added: [], skipped: [] } : models.addPaths(paths);
    },
    'models.pickFolder': async () => {
      const folder = await requireDesktop(desktop, 'Choosing a folder').pickFolder({ title: 'Add a folder of GGUF models' });
      return folder === null ? { added: [], skipped: [] } : models.addPaths([folder]);
    },
    'models.suggestedFolders': () => models.suggestedFolders(),
    'models.addSuggestedFolder': ({ id }) => models.addSuggestedFolder(id),
    'models.remove': ({ id, deleteFile }) => models.remove(id, deleteFile),
    'models.reveal': ({ id }) => {
      const shell = requireDesktop(desktop, 'Showing a file in its folder');
      const { path } = models.get(id);
      shell.revealFile(path);
      return { path };
    },
    'models.startHash': ({ id }) => models.startHash(id),
    'models.cancelHash': ({ id }) => models.cancelHash(id),
    'models.beginUpload': (input) => uploads.begin(input),
    'models.finishUpload': ({ uploadId }) => uploads.finish(uploadId),
    'models.cancelUpload': ({ uploadId }) => uploads.cancel(uploadId),
    'models.events': (_input, emit) => models.subscribe(emit),
  };
}
