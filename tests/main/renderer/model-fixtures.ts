/** Model entries for the renderer's tests: a readable GGUF by default, with any field overridden. */
import type { ModelEntry, ModelFacts } from '../../../src-main/contract';

export function modelFacts(overrides: Partial<ModelFacts> = {}): ModelFacts {
  return {
    displayName: 'SmolLM 135M',
    architecture: 'llama',
    parameterCount: 134_515_008,
    fileType: 'MOSTLY_Q8_0',
    tensorTypes: { F32: 61, Q8_0: 211 },
    fileSizeBytes: 144_811_520,
    contextLength: 2048,
    vocabSize: 49_152,
    embeddingLength: 576,
    blockCount: 30,
    chatTemplate: null,
    trainable: true,
    notTrainableReason: null,
    loadProblems: [],
    ...overrides,
  };
}

export function modelEntry(id: string, overrides: Partial<ModelEntry> = {}): ModelEntry {
  return {
    id,
    path: `/models/${id}.gguf`,
    owned: false,
    origin: 'file',
    status: 'ready',
    problem: null,
    facts: modelFacts(),
    sha256: null,
    alias: null,
    addedAt: 1_700_000_000_000,
    ...overrides,
  };
}
