/**
 * `planRun`: the run wizard's preview, recomputed as settings change. Resolves the device,
 * builds the preset's settings for this model and dataset, lays the person's overrides over
 * them, counts the steps, estimates the memory and lists every problem and warning. Pure:
 * the caller gathers the facts (see PlanInputs), and bad settings become problems, never
 * exceptions.
 */
import type { RunPlan } from '../../contract/run-types';
import type { MemoryEstimate } from '../../contract/memory-types';
import { DEFAULT_VALIDATION_PERCENT } from './dataset-stats';
import { mergeSettings } from './merge-settings';
import { resolvePlanDevice } from './plan-device';
import { memoryModelFor, tryEstimate, unavailableEstimate } from './plan-memory';
import type { PlanInputs } from './plan-types';
import { presetSettings } from './preset-settings';
import { stepCounts } from './total-steps';
import { checkRun } from './validate-run';

export function planRun(inputs: PlanInputs): RunPlan {
  const { overrides, dataset, hardware, python } = inputs;
  const entry = inputs.model.entry;
  const facts = entry.facts;
  const device = resolvePlanDevice(typeof overrides.device === 'string' ? overrides.device : 'auto', hardware, python);
  const kind = device.memory?.kind ?? (device.name.startsWith('cuda') ? 'cuda' : device.name === 'mps' ? 'mps' : 'cpu');
  const memoryModel = memoryModelFor(facts, inputs.model.header);
  const hasValidation = validationSplit(inputs);

  const preset = presetSettings(inputs.preset, {
    facts,
    memoryModel: memoryModel?.model ?? null,
    device: { kind, memory: device.memory },
    dataset,
    hasValidation: hasValidation !== false,
    overrides,
  });
  if (device.reason !== null) preset.reasons.push(device.reason);
  // The device is resolved in the settings, so the run trains where the estimate was made.
  const settings = { ...mergeSettings(preset.settings, overrides), device: device.name };
  const counts = stepCounts(settings, dataset);

  let memory: MemoryEstimate | null = null;
  let memoryNote: string | null = memoryModel?.approximate ?? null;
  if (memoryModel === null) memoryNote = facts === null ? 'the model could not be read' : "the model's file does not give its widths";
  else memory = tryEstimate(memoryModel.model, settings, device.memory, kind);

  const verdict = checkRun({
    settings,
    entry,
    dataset,
    hasValidation,
    overlong: inputs.prepare?.overlong ?? 'truncate',
    python,
    device,
    counts,
    memory,
    memoryNote,
  });
  return {
    preset: inputs.preset,
    settings,
    presetReasons: preset.reasons,
    problems: verdict.problems,
    warnings: verdict.warnings,
    dataset: { examples: dataset.examples, tokens: dataset.tokens, estimated: dataset.estimated },
    totalSteps: counts.totalSteps,
    device: { ...(device.memory ?? { kind, totalBytes: 0 }), label: device.label },
    memory: memory ?? unavailableEstimate(memoryNote ?? 'the settings above need fixing first'),
  };
}

/** Whether the prepared data will hold validation examples: counted when prepared, else from the share asked for. */
function validationSplit(inputs: PlanInputs): boolean | null {
  const counted = inputs.dataset.validationExamples;
  if (counted !== undefined && counted !== null) return counted > 0;
  const percent = inputs.prepare?.validationPercent ?? DEFAULT_VALIDATION_PERCENT;
  if (percent <= 0) return false;
  // A share of a handful of rows may round to none; the split is by a hash of each row.
  return inputs.dataset.examples > 0 ? true : null;
}
