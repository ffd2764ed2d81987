import { describe, expect, it } from 'vitest';
import { filterModels } from '../../../src-renderer/src/store/models/model-search';
import { modelEntry, modelFacts } from './model-fixtures';

const smol = modelEntry('smol', { path: '/home/me/.lmstudio/models/SmolLM-135M.Q8_0.gguf' });
const qwen = modelEntry('qwen', { path: '/data/qwen2.5-0.5b-instruct-q4_k_m.gguf', facts: modelFacts({ displayName: 'Qwen2.5 0.5B Instruct', architecture: 'qwen2' }) });
const broken = modelEntry('broken', { path: '/data/broken.gguf', status: 'invalid', facts: null, problem: 'not a GGUF file' });
const all = [smol, qwen, broken];

const ids = (models: readonly { id: string }[]) => models.map((model) => model.id);

describe('filterModels', () => {
  it('returns the list itself for an empty or blank query', () => {
    expect(filterModels(all, '')).toBe(all);
    expect(filterModels(all, '   ')).toBe(all);
  });

  it('matches the name, the architecture or the path, in any case', () => {
    expect(ids(filterModels(all, 'smollm'))).toEqual(['smol']);
    expect(ids(filterModels(all, 'QWEN2'))).toEqual(['qwen']);
    expect(ids(filterModels(all, 'llama'))).toEqual(['smol']);
    expect(ids(filterModels(all, '.lmstudio'))).toEqual(['smol']);
  });

  it('finds a model that could not be read by its file name', () => {
    expect(ids(filterModels(all, 'broken'))).toEqual(['broken']);
  });

  it('needs every word to match somewhere', () => {
    expect(ids(filterModels(all, 'qwen q4_k_m'))).toEqual(['qwen']);
    expect(ids(filterModels(all, 'qwen q8_0'))).toEqual([]);
    expect(ids(filterModels(all, '/data'))).toEqual(['qwen', 'broken']);
  });
});
