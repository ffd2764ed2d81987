import { describe, expect, it } from 'vitest';
import { fileNameOf, formatFileType, modelDisplayName } from '../../../src-renderer/src/format/model';
import { formatCount } from '../../../src-renderer/src/format/numbers';
import { formatParameterCount } from '../../../src-renderer/src/format/parameters';
import { formatEta, formatRate } from '../../../src-renderer/src/format/transfer';
import { modelEntry, modelFacts } from './model-fixtures';

describe('formatParameterCount', () => {
  it('writes model-card sizes in decimal units with one decimal', () => {
    expect(formatParameterCount(1_234_567)).toBe('1.2 M');
    expect(formatParameterCount(7_241_732_096)).toBe('7.2 B');
    expect(formatParameterCount(134_515_008)).toBe('134.5 M');
    expect(formatParameterCount(1_000)).toBe('1.0 K');
    expect(formatParameterCount(1_500_000_000_000)).toBe('1.5 T');
  });

  it('writes counts below a thousand as whole numbers', () => {
    expect(formatParameterCount(999)).toBe('999');
    expect(formatParameterCount(0)).toBe('0');
    expect(formatParameterCount(999.4)).toBe('999');
  });

  it('moves up a unit when rounding would print 1000.0', () => {
    expect(formatParameterCount(999.6)).toBe('1.0 K');
    expect(formatParameterCount(999_960)).toBe('1.0 M');
    expect(formatParameterCount(999_940)).toBe('999.9 K');
  });

  it('marks values that are not numbers', () => {
    expect(formatParameterCount(Number.NaN)).toBe('—');
    expect(formatParameterCount(Number.POSITIVE_INFINITY)).toBe('—');
  });
});

describe('model names and types', () => {
  it('names a model by general.name, else by its file name on either platform', () => {
    expect(modelDisplayName(modelEntry('a'))).toBe('SmolLM 135M');
    expect(modelDisplayName(modelEntry('b', { facts: null, path: '/models/broken.gguf' }))).toBe('broken.gguf');
    expect(modelDisplayName(modelEntry('c', { facts: modelFacts({ displayName: '' }), path: 'C:\\Models\\tiny.gguf' }))).toBe('tiny.gguf');
    expect(fileNameOf('plain.gguf')).toBe('plain.gguf');
  });

  it('drops the llama.cpp prefix of file types', () => {
    expect(formatFileType('MOSTLY_Q4_K_M')).toBe('Q4_K_M');
    expect(formatFileType('ALL_F32')).toBe('F32');
    expect(formatFileType('LLAMA_FTYPE_MOSTLY_F16')).toBe('F16');
    expect(formatFileType('GUESSED')).toBe('GUESSED');
    expect(formatFileType(null)).toBe('—');
  });

  it('writes counts with thousands separators', () => {
    expect(formatCount(131_072)).toBe('131,072');
    expect(formatCount(512)).toBe('512');
    expect(formatCount(null)).toBe('—');
  });
});

describe('transfer rates and times', () => {
  it('writes rates in binary units per second', () => {
    expect(formatRate(35 * 1024 * 1024)).toBe('35.0 MiB/s');
    expect(formatRate(null)).toBe('—');
    expect(formatRate(0)).toBe('—');
  });

  it('rounds time left coarsely', () => {
    expect(formatEta(0.2)).toBe('a moment');
    expect(formatEta(12.1)).toBe('13 s');
    expect(formatEta(125)).toBe('about 2 min');
    expect(formatEta(3600)).toBe('about 1 h');
    expect(formatEta(3 * 3600 + 20 * 60)).toBe('about 3 h 20 min');
    expect(formatEta(null)).toBe('—');
  });
});
