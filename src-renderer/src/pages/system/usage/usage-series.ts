/** Series for the usage sparklines, derived from the sample buffer (components memoize them). */
import type { UsageSample } from '../../../../../src-main/contract';
import { shareOf } from '../../../format/numbers';

export function cpuSeries(samples: readonly UsageSample[]): number[] {
  return samples.map((sample) => sample.cpuPercent);
}

export function memorySeries(samples: readonly UsageSample[]): number[] {
  return samples.map((sample) => shareOf(sample.memoryUsedBytes, sample.memoryTotalBytes));
}

/** Utilization of one GPU over time; a sample that did not report it counts as 0. */
export function gpuUtilizationSeries(samples: readonly UsageSample[], gpuIndex: number): number[] {
  return samples.map((sample) => sample.gpus.find((gpu) => gpu.index === gpuIndex)?.utilizationPercent ?? 0);
}

/** Share of one GPU's memory in use over time, in percent. */
export function gpuMemorySeries(samples: readonly UsageSample[], gpuIndex: number): number[] {
  return samples.map((sample) => {
    const gpu = sample.gpus.find((g) => g.index === gpuIndex);
    return gpu === undefined ? 0 : shareOf(gpu.memoryUsedMb, gpu.memoryTotalMb);
  });
}
