/**
 * What to change when a run does not fit comfortably. Each candidate is priced by running
 * the estimator again with that one change, so the savings shown are the estimator's own
 * numbers for this model, these settings and this device, never a rule of thumb.
 */
import { fitVerdict, memoryBreakdown, memoryBudget } from './memory-breakdown';
import type { MemoryDevice, MemoryModel, MemoryRunConfig, MemorySuggestion } from '../contract/memory-types';
import { formatBytes } from './memory-units';

/** Shorter rows than this are rarely worth training on; the length search stops there. */
export const SHORTEST_SUGGESTED_LENGTH = 128;
/** Savings below this share of the estimate are noise next to what no formula sees. */
const NOTICEABLE_SHARE = 0.01;

type Change = MemorySuggestion['change'];

/**
 * Single changes that lower the estimate, biggest saving first. The batch size and the max
 * length are halved until the run fits comfortably (or they reach 1 and
 * SHORTEST_SUGGESTED_LENGTH), so the number offered is the largest that fits.
 */
export function suggestMemoryChanges(model: MemoryModel, config: MemoryRunConfig, device: MemoryDevice): MemorySuggestion[] {
  const budget = memoryBudget(device);
  const current = memoryBreakdown(model, config, device).totalBytes;
  const price = (change: Change): { total: number; fits: boolean } => {
    const total = memoryBreakdown(model, { ...config, ...change }, device).totalBytes;
    return { total, fits: fitVerdict(total, budget) === 'yes' };
  };
  /** Halve `value` until `make(value)` fits or it would pass `floor`; null when it cannot shrink. */
  const halving = (value: number, floor: number, make: (next: number) => Change): number | null => {
    let next = value;
    while (Math.floor(next / 2) >= floor) {
      next = Math.floor(next / 2);
      if (price(make(next)).fits) break;
    }
    return next === value ? null : next;
  };

  const candidates: { change: Change; text: (saved: string) => string }[] = [];
  if (config.baseWeights !== 'quantized' && model.quantized && model.quantized.parameters > 0) {
    candidates.push({
      change: { baseWeights: 'quantized' },
      text: (saved) => `Keep the quantized base in its blocks, the low-memory mode (saves ${saved}; steps are slower, each layer is expanded as it is used)`,
    });
  }
  if (!config.gradientCheckpointing) {
    candidates.push({
      change: { gradientCheckpointing: true },
      text: (saved) => `Turn on gradient checkpointing (saves ${saved}; each step recomputes its forward pass, about a third more work)`,
    });
  }
  const batch = halving(config.microBatchSize, 1, (microBatchSize) => ({ microBatchSize }));
  if (batch !== null) {
    const factor = config.microBatchSize / batch;
    const verb = factor === 2 ? 'Halve the micro batch size' : 'Lower the micro batch size';
    // The batch per optimizer step stays the same only when accumulation can make up a whole factor.
    const keepBatch = Number.isInteger(factor)
      ? `multiply gradient accumulation by ${factor} to keep the same batch`
      : 'raise gradient accumulation to keep about the same batch';
    candidates.push({
      change: { microBatchSize: batch },
      text: (saved) => `${verb} to ${batch} (saves ${saved}); ${keepBatch}`,
    });
  }
  const length = halving(config.maxLength, SHORTEST_SUGGESTED_LENGTH, (maxLength) => ({ maxLength }));
  if (length !== null) {
    candidates.push({
      change: { maxLength: length },
      text: (saved) => `Shorten max length to ${length} (saves ${saved}); longer examples are cut there`,
    });
  }
  if (config.precision === 'fp32') {
    const alternative = device.kind === 'cuda' ? ', or fp16 on GPUs without bf16' : '';
    candidates.push({ change: { precision: 'bf16' }, text: (saved) => `Use bf16 (saves ${saved}${alternative})` });
  }
  if (config.lora.rank >= 16) {
    const rank = Math.floor(config.lora.rank / 2);
    candidates.push({
      change: { lora: { ...config.lora, rank } },
      text: (saved) => `Lower the LoRA rank to ${rank} (saves ${saved})`,
    });
  }

  const suggestions: MemorySuggestion[] = [];
  for (const candidate of candidates) {
    const after = price(candidate.change);
    const savedBytes = current - after.total;
    if (savedBytes <= NOTICEABLE_SHARE * current) continue;
    suggestions.push({
      change: candidate.change,
      savedBytes,
      fitsAfter: fitVerdict(after.total, budget),
      text: candidate.text(formatBytes(savedBytes)),
    });
  }
  return suggestions.sort((a, b) => b.savedBytes - a.savedBytes);
}

/**
 * One closing line when no single change is enough: what all of them together give, so a
 * person knows whether to combine them or to pick a smaller model. Null when one suffices.
 */
export function combinedSuggestion(
  model: MemoryModel,
  config: MemoryRunConfig,
  device: MemoryDevice,
  suggestions: readonly MemorySuggestion[],
): string | null {
  if (suggestions.length === 0 || suggestions.some((s) => s.fitsAfter === 'yes')) return null;
  const combined = suggestions.reduce<MemoryRunConfig>((settings, s) => ({ ...settings, ...s.change }), config);
  const budget = memoryBudget(device);
  const breakdown = memoryBreakdown(model, combined, device);
  const total = breakdown.totalBytes;
  const verdict = fitVerdict(total, budget);
  if (verdict === 'yes') return `No one change is enough; all of them together bring it to ${formatBytes(total)}, which fits`;
  if (verdict === 'tight') {
    return `No one change is enough; all of them together bring it to ${formatBytes(total)}, just under the ${formatBytes(budget)} available`;
  }
  return (
    `Even all of them together need ${formatBytes(total)} of the ${formatBytes(budget)} available ` +
    `(the base weights alone are ${formatBytes(breakdown.parts.weights.bytes)}): choose a smaller model or a device with more memory`
  );
}
