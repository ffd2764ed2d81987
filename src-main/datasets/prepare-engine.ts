/**
 * What preparation needs from the tokenizing side (prepare/), as one interface the library
 * takes in its constructor, and the real one: prepare/'s functions with the worker bundle's
 * path filled in. Tests pass the real one too, pointed at the built worker.
 */
import type { DatasetShape, PrepareOptions, RenderedExample } from '../contract';
import {
  prepareDataset,
  prepareIdentity,
  renderExamples,
  type PrepareDatasetParams,
  type PrepareDatasetResult,
  type PreparationRow,
  type PrepareIdentity,
} from './prepare';

export interface PrepareEngine {
  /** The cache key (and tokenizer fingerprint) of a preparation, from the model's header alone. */
  identity(input: { modelPath: string; options: PrepareOptions; datasetHash: string; shape: DatasetShape }): Promise<PrepareIdentity>;
  /** Tokenizes every row and writes the prepared folder at `outDir` (complete, or not at all). */
  prepare(input: Omit<PrepareDatasetParams, 'workerPath' | 'forkWorker'>): Promise<PrepareDatasetResult>;
  /** Rows rendered with the model's template, the trained spans marked. */
  render(input: { rows: readonly PreparationRow[]; modelPath: string; options: PrepareOptions; shape: DatasetShape; signal?: AbortSignal }): Promise<RenderedExample[]>;
}

/** prepare/'s functions, run in the worker built beside the main bundle (`workerPath`). */
export function preparationEngine(workerPath: string): PrepareEngine {
  return {
    identity: (input) => prepareIdentity(input),
    prepare: (input) => prepareDataset({ ...input, workerPath }),
    render: ({ rows, modelPath, options, shape, signal }) => renderExamples(rows, modelPath, options, { workerPath, shape, ...(signal ? { signal } : {}) }),
  };
}
