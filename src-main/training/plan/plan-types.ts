/**
 * What planning a run takes in. The training service gathers these (the model's entry and
 * GGUF header, the dataset's counts, the hardware and Python reports) so that every decision
 * below is a pure function of them (STYLE: decisions are pure functions).
 */
import type { HardwareReport, PythonReport } from '../../contract/system-types';
import type { ModelEntry } from '../../contract/model-types';
import type { PrepareOptions } from '../../contract/dataset-types';
import type { RunPreset, RunSettingsOverrides } from '../../contract/run-types';
import type { ShapeFromHeader } from '../memory-model-shape';

/** What is known of the training data before (or after) it is prepared for the model. */
export interface PlanDataset {
  /** Examples of the training split (estimated from the rows when not prepared yet). */
  examples: number;
  /** Tokens of the training split. */
  tokens: number;
  /** True when the counts are guessed from the rows, not taken from a preparation for this model. */
  estimated: boolean;
  /** The longest example's full length in tokens (before truncation); null when not prepared yet. */
  longestTokens: number | null;
  /** The 99th-percentile example length; what a preset's max length aims to cover. */
  p99Tokens?: number | null;
  /** Examples held out for validation; undefined when not known (then judged from `validationPercent`). */
  validationExamples?: number | null;
}

export interface PlanInputs {
  preset: RunPreset;
  overrides: RunSettingsOverrides;
  /** The entry, and the header values `ModelFacts` lacks (readShapeHeader); null when they could not be read. */
  model: { entry: ModelEntry; header: ShapeFromHeader | null };
  dataset: PlanDataset;
  hardware: HardwareReport;
  python: PythonReport;
  /** The request's preparation options (`RunRequest.prepare`); defaults as `prepareOptionsFor` gives them. */
  prepare?: Partial<Omit<PrepareOptions, 'maxLength'>>;
}
