import { describe, expect, it } from 'vitest';
import { RUN_SETTING_HELP } from '../../../src-main/contract';
import { suggestMemoryChanges } from '../../../src-main/training/memory-estimate';
import type { MemoryModel, MemoryRunConfig, ModelShape } from '../../../src-main/contract/memory-types';
import { formatDuration, formatLoss } from '../../../src-renderer/src/format/run';
import { datasetOptions, modelOptions, usableChoice } from '../../../src-renderer/src/pages/train/wizard/pick-options';
import { changeAt, isChanged, SETTING_GROUPS, settingValue } from '../../../src-renderer/src/pages/train/wizard/setting-fields';
import { configDiff } from '../../../src-renderer/src/store/runs/config-diff';
import { draftRequest, emptyDraft, mergeOverrides } from '../../../src-renderer/src/store/runs/draft';
import { applyRunListEvent, sortRuns } from '../../../src-renderer/src/store/runs/run-list';
import { suggestionOverrides } from '../../../src-renderer/src/store/runs/suggestion-change';
import { datasetEntry, inspection } from './dataset-fixtures';
import { modelEntry, modelFacts } from './model-fixtures';
import { runEntry, runSettings } from './run-fixtures';

const GiB = 1024 ** 3;

describe('memory suggestions as changes', () => {
  // Qwen2.5-0.5B's shape: big enough that a 12 GiB GPU needs every suggestion.
  const shape: ModelShape = { vocabSize: 151_936, embeddingDim: 896, blockCount: 24, headCount: 14, headCountKv: 2, headDim: 64, ffnDim: 4864, tiedOutput: true };
  const model: MemoryModel = { parameterCount: 494_032_768, shape };
  const settings = runSettings({ microBatchSize: 8, maxLength: 2048, precision: 'fp32', gradientAccumulation: 2, lora: { rank: 32, alpha: 64, dropout: 0, rslora: false, targets: ['q', 'k', 'v', 'o'] } });
  const config: MemoryRunConfig = {
    microBatchSize: 8,
    maxLength: 2048,
    gradientCheckpointing: false,
    precision: 'fp32',
    lora: { rank: 32, targets: ['q', 'k', 'v', 'o'] },
    optimizer: 'adamw',
  };

  it('turns each change the estimator priced into the same settings', () => {
    const changes = suggestMemoryChanges(model, config, { kind: 'cuda', totalBytes: 12 * GiB });
    expect(changes.length).toBeGreaterThanOrEqual(4);
    for (const change of changes) {
      const overrides = suggestionOverrides(change, settings);
      if (change.change.lora !== undefined) expect(overrides.lora?.rank).toBe(change.change.lora.rank);
      else expect(overrides).toMatchObject(change.change);
    }
  });

  it('keeps the batch per step when it halves the micro batch, when accumulation can make it up', () => {
    expect(suggestionOverrides({ change: { microBatchSize: 4 } }, settings)).toEqual({ microBatchSize: 4, gradientAccumulation: 4 });
    expect(suggestionOverrides({ change: { microBatchSize: 3 } }, settings)).toEqual({ microBatchSize: 3 });
    expect(suggestionOverrides({ change: { gradientCheckpointing: true } }, settings)).toEqual({ gradientCheckpointing: true });
  });
});

describe('the wizard draft', () => {
  it('sends only what the person changed, merged group by group', () => {
    expect(draftRequest(emptyDraft)).toBeNull();
    const overrides = mergeOverrides(mergeOverrides({}, changeAt('lora.rank', 4)), { lora: { alpha: 8 }, steps: null });
    expect(draftRequest({ modelId: 'm', datasetId: 'd', preset: 'balanced', overrides })).toEqual({
      modelId: 'm',
      datasetId: 'd',
      preset: 'balanced',
      settings: { lora: { rank: 4, alpha: 8 }, steps: null },
    });
    expect(draftRequest({ modelId: 'm', datasetId: 'd', preset: 'quick', overrides: { lora: {} } })).toEqual({ modelId: 'm', datasetId: 'd', preset: 'quick' });
  });

  it('shows the plan’s value unless the person changed it', () => {
    const plan = runSettings();
    expect(settingValue(plan, {}, 'lora.rank')).toBe(8);
    expect(settingValue(plan, { lora: { rank: 2 } }, 'lora.rank')).toBe(2);
    expect(settingValue(plan, { steps: null }, 'steps')).toBeNull();
    expect(isChanged({ steps: null }, 'steps')).toBe(true);
    expect(isChanged({}, 'optimizer.lr')).toBe(false);
  });

  it('has a field with help text for every setting, and no field without', () => {
    const paths = SETTING_GROUPS.flatMap((group) => group.fields.map((field) => field.path)).sort();
    expect(paths).toEqual(Object.keys(RUN_SETTING_HELP).sort());
    for (const path of paths) expect(settingValue(runSettings(), {}, path), path).not.toBeUndefined();
  });

  it('offers every model and dataset, disabling the unusable ones with the reason', () => {
    const models = modelOptions([
      modelEntry('q4', { facts: modelFacts({ trainable: false, notTrainableReason: 'Q4_K tensors are not read yet' }) }),
      modelEntry('ok'),
      modelEntry('gone', { status: 'missing', problem: 'the file is gone' }),
    ]);
    expect(models.map((o) => o.disabled)).toEqual([true, false, true]);
    expect(models[0]?.label).toContain('Q4_K tensors are not read yet');
    expect(usableChoice(null, models)).toBe('ok');
    expect(usableChoice('q4', models)).toBe('ok');
    const datasets = datasetOptions([datasetEntry('empty', { inspection: inspection({ valid: 0 }) }), datasetEntry('importing', { status: 'importing' })]);
    expect(datasets.map((o) => o.disabled)).toEqual([true, true]);
    expect(datasets[0]?.label).toContain('no usable rows');
    expect(usableChoice(null, datasets)).toBeNull();
  });
});

describe('run history', () => {
  it('sorts by any column, runs without a value last', () => {
    const runs = [
      runEntry('a', { trainLoss: 0.9, createdAt: 1 }),
      runEntry('b', { trainLoss: null, createdAt: 2 }),
      runEntry('c', { trainLoss: 0.1, createdAt: 3 }),
    ];
    expect(sortRuns(runs, { key: 'trainLoss', descending: false }).map((r) => r.id)).toEqual(['c', 'a', 'b']);
    expect(sortRuns(runs, { key: 'trainLoss', descending: true }).map((r) => r.id)).toEqual(['a', 'c', 'b']);
    expect(sortRuns(runs, { key: 'created', descending: true }).map((r) => r.id)).toEqual(['c', 'b', 'a']);
    expect(runs.map((r) => r.id)).toEqual(['a', 'b', 'c']);
  });

  it('leaves the list alone for events that do not change it', () => {
    const list = [runEntry('a')];
    expect(applyRunListEvent(list, { type: 'log', id: 'a', lines: ['x'] })).toBe(list);
    expect(applyRunListEvent(list, { type: 'removed', id: 'zzz' })).toBe(list);
  });

  it('diffs only the settings that differ between the compared runs', () => {
    const a = runEntry('a', { settings: runSettings({ lora: { rank: 8, alpha: 16, dropout: 0, rslora: false, targets: ['q', 'v'] } }) });
    const b = runEntry('b', { preset: 'balanced', settings: runSettings({ maxLength: 512, lora: { rank: 8, alpha: 16, dropout: 0, rslora: false, targets: ['q', 'k', 'v'] } }) });
    expect(configDiff([a, b])).toEqual([
      { key: 'preset', values: ['quick', 'balanced'] },
      { key: 'lora.targets', values: ['q, v', 'q, k, v'] },
      { key: 'maxLength', values: ['256', '512'] },
    ]);
    expect(configDiff([a])).toEqual([]);
    expect(configDiff([a, a])).toEqual([]);
  });

  it('formats durations and losses for the table', () => {
    expect(formatDuration(42.4)).toBe('42 s');
    expect(formatDuration(192)).toBe('3 min 12 s');
    expect(formatDuration(7500)).toBe('2 h 05 min');
    expect(formatDuration(null)).toBe('—');
    expect(formatLoss(1.234567)).toBe('1.235');
    expect(formatLoss(null)).toBe('—');
  });
});
