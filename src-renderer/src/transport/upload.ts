/**
 * Model and dataset uploads from a browser to `lathe serve`: the upload loop (upload-loop.ts)
 * wired to this window's contract API, `fetch`, timers and the access token the web
 * transport keeps. Electron never uploads: it hands the main process the dropped files' paths instead.
 */
import type { DatasetEntry, ModelEntry } from '../../../src-main/contract';
import { getAccessToken, getLathe } from './index';
import { createModelUploader, createUploader, type UploadOptions } from './upload-loop';

export type { UploadOptions, UploadPhase, UploadProgress } from './upload-loop';

export function uploadModelFile(file: File, options: UploadOptions = {}): Promise<ModelEntry> {
  const models = getLathe().models;
  const upload = createModelUploader({
    beginUpload: (input) => models.beginUpload(input),
    finishUpload: (input) => models.finishUpload(input),
    cancelUpload: (input) => models.cancelUpload(input),
    fetch: (url, init) => fetch(url, init),
    token: getAccessToken(),
    sleep: abortableSleep,
  });
  return upload(file, options);
}

export function uploadDatasetFile(file: File, options: UploadOptions = {}): Promise<DatasetEntry> {
  const datasets = getLathe().datasets;
  const upload = createUploader<DatasetEntry>({
    beginUpload: (input) => datasets.beginUpload(input),
    finishUpload: (input) => datasets.finishUpload(input),
    cancelUpload: (input) => datasets.cancelUpload(input),
    fetch: (url, init) => fetch(url, init),
    token: getAccessToken(),
    sleep: abortableSleep,
  });
  return upload(file, options);
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      window.clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = window.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
