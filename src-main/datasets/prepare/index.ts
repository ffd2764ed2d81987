/**
 * Preparing datasets for training (DESIGN §3, docs/prepared-data.md): what the datasets
 * service uses. Everything else in this folder is how it is done.
 */
export { prepareDataset, prepareIdentity, type PrepareDatasetParams, type PrepareDatasetResult, type PrepareIdentity, type PrepareProgress } from './prepare-dataset';
export { renderExamples, type RenderExamplesDeps } from './render-preview';
export { prepareCacheKey, templateHash, PREPARE_ALGORITHM_VERSION } from './prepare-cache-key';
export { tokenizerFingerprint } from './tokenizer-fingerprint';
export { readModelTokenizer, type ModelTokenizer } from './model-tokenizer';
export { CHATML_TEMPLATE } from './chat-template';
export type { PreparationRow } from './example-maker';
export type { PreparedManifest, SplitCounts } from './prepared-files';
export type { PreviewExample } from './worker-protocol';
export { defaultWorkerCount, type ForkWorker } from './prepare-worker-client';

/** The worker bundle's file name beside the main bundle (electron.vite.config.ts builds it). */
export const PREPARE_WORKER_FILE = 'dataset-prepare-worker.js';
