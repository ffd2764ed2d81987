/**
 * Planning a training run: presets, settings validation, the memory-fit estimate on the chosen
 * device, and the run.json the runtime reads. Everything here is a pure function of what the
 * caller gathers (PlanInputs), except `readShapeHeader`, which reads a GGUF header. The rules
 * and the reasons behind them are in docs/training-in-app.md ("Presets and planning").
 */
export { planRun } from './plan-run';
export type { PlanInputs, PlanDataset } from './plan-types';
export { readShapeHeader } from './shape-header';
export { datasetStatsFor, prepareOptionsFor, DEFAULT_VALIDATION_PERCENT } from './dataset-stats';
export { runJsonFor, type RunJsonOptions } from './run-json';
export { stepCounts, type StepCounts } from './total-steps';
export { MODEL_SIZE_RULES, PRESET_RULES } from './preset-table';
