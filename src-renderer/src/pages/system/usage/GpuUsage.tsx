/** Per-GPU gauges: how busy each GPU is and how much of its memory is taken. */
import { SimpleGrid, Stack, Text } from '@mantine/core';
import { useMemo } from 'react';
import type { GpuInfo, UsageSample } from '../../../../../src-main/contract';
import { formatMegabytes } from '../../../format/bytes';
import { formatPercent, shareOf } from '../../../format/numbers';
import { gpuMemorySeries, gpuUtilizationSeries } from './usage-series';
import { UsageMeter } from './UsageMeter';

interface GpuUsageProps {
  gpu: UsageSample['gpus'][number];
  samples: readonly UsageSample[];
  /** From the hardware report, for the GPU's name; null while that report is not in. */
  info: GpuInfo | null;
}

export function GpuUsage({ gpu, samples, info }: GpuUsageProps) {
  const utilizationHistory = useMemo(() => gpuUtilizationSeries(samples, gpu.index), [samples, gpu.index]);
  const memoryHistory = useMemo(() => gpuMemorySeries(samples, gpu.index), [samples, gpu.index]);
  const name = info === null ? `GPU ${gpu.index}` : `GPU ${gpu.index} · ${info.name}`;
  return (
    <Stack gap="xs" data-testid={`gpu-usage-${gpu.index}`}>
      <Text size="sm" fw={600}>
        {name}
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xl" verticalSpacing="md">
        <UsageMeter label="Utilization" reading={formatPercent(gpu.utilizationPercent)} percent={gpu.utilizationPercent ?? 0} history={utilizationHistory} color="teal" />
        <UsageMeter
          label="VRAM"
          reading={`${formatMegabytes(gpu.memoryUsedMb)} / ${formatMegabytes(gpu.memoryTotalMb)}`}
          percent={shareOf(gpu.memoryUsedMb, gpu.memoryTotalMb)}
          history={memoryHistory}
          color="cyan"
        />
      </SimpleGrid>
    </Stack>
  );
}
