/**
 * Browser uploads for a page that takes files (Models, Datasets): each chosen file becomes an
 * item in the store's `uploads`, and they are sent one after another (one disk, one link),
 * each with its own abort switch. The page's store supplies how to send a file and what to do
 * with the entry the main process made of it.
 */
import { toStoredError } from '../errors';
import { newUploadItem, withProgress, type SkippedFile, type UploadItem } from './upload-items';

export interface UploadState {
  uploads: UploadItem[];
  skipped: SkippedFile[];
}

type SetUploadState = (update: (state: UploadState) => Partial<UploadState>) => void;

export interface UploadProgress {
  phase: 'sending' | 'finishing';
  sentBytes: number;
}

export interface UploadQueueOptions<E> {
  set: SetUploadState;
  /** Which files to send and which to leave out (with the reason). */
  split(files: readonly File[]): { uploadable: File[]; skipped: SkippedFile[] };
  send(file: File, options: { signal: AbortSignal; onProgress: (progress: UploadProgress) => void }): Promise<E>;
  /** The entry the main process made of a finished upload. */
  onUploaded(entry: E): void;
  now: () => number;
}

export interface UploadQueue {
  uploadFiles(files: readonly File[]): void;
  cancelUpload(key: string): void;
  dismissUpload(key: string): void;
  dismissSkipped(): void;
}

export function createUploadQueue<E>(options: UploadQueueOptions<E>): UploadQueue {
  const { set, now } = options;
  let queue: Promise<void> = Promise.resolve();
  const controllers = new Map<string, AbortController>();
  let nextKey = 1;

  function patchUpload(key: string, change: (item: UploadItem) => UploadItem): void {
    set((state) => ({ uploads: state.uploads.map((item) => (item.key === key ? change(item) : item)) }));
  }

  async function run(key: string, file: File, controller: AbortController): Promise<void> {
    try {
      const entry = await options.send(file, {
        signal: controller.signal,
        onProgress: ({ phase, sentBytes }) => patchUpload(key, (item) => withProgress(item, phase, sentBytes, now())),
      });
      options.onUploaded(entry);
      patchUpload(key, (item) => ({ ...item, status: 'done', sentBytes: item.totalBytes, error: null }));
    } catch (error) {
      const stored = toStoredError(error);
      const cancelled = controller.signal.aborted || stored.kind === 'cancelled';
      patchUpload(key, (item) => ({ ...item, status: cancelled ? 'cancelled' : 'failed', error: cancelled ? null : stored }));
    } finally {
      controllers.delete(key);
    }
  }

  return {
    uploadFiles(files) {
      const { uploadable, skipped } = options.split(files);
      if (skipped.length > 0) set((state) => ({ skipped: [...state.skipped, ...skipped] }));
      for (const file of uploadable) {
        const key = `upload-${nextKey++}`;
        const controller = new AbortController();
        controllers.set(key, controller);
        set((state) => ({ uploads: [...state.uploads, newUploadItem(key, file)] }));
        queue = queue.then(() => (controller.signal.aborted ? undefined : run(key, file, controller)));
      }
    },

    cancelUpload(key) {
      const controller = controllers.get(key);
      if (controller === undefined) return;
      controller.abort();
      // A queued upload never starts, so nothing else would mark it.
      patchUpload(key, (item) => (item.status === 'queued' ? { ...item, status: 'cancelled' } : item));
    },

    dismissUpload: (key) => set((state) => ({ uploads: state.uploads.filter((item) => item.key !== key) })),
    dismissSkipped: () => set(() => ({ skipped: [] })),
  };
}
