/** Live CPU, memory and GPU load, fed by the usage stream the System page keeps open. */
import { Badge, Card, Divider, SimpleGrid, Skeleton, Stack } from '@mantine/core';
import { useMemo } from 'react';
import { CardHeading } from '../../../components/CardHeading';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { formatBytes } from '../../../format/bytes';
import { formatPercent, shareOf } from '../../../format/numbers';
import { selectHardware, selectLatestUsage, selectUsageError, selectUsageSamples, selectWatching, useSystemStore } from '../../../store/system';
import { GpuUsage } from './GpuUsage';
import { cpuSeries, memorySeries } from './usage-series';
import { UsageMeter } from './UsageMeter';

export function UsageCard() {
  const samples = useSystemStore(selectUsageSamples);
  const latest = useSystemStore(selectLatestUsage);
  const watching = useSystemStore(selectWatching);
  const error = useSystemStore(selectUsageError);
  const hardware = useSystemStore(selectHardware);
  const cpuHistory = useMemo(() => cpuSeries(samples), [samples]);
  const memoryHistory = useMemo(() => memorySeries(samples), [samples]);

  return (
    <Card withBorder radius="md" padding="lg" data-testid="usage-card">
      <CardHeading title="Live usage">
        <Badge variant="dot" color={watching ? 'green' : 'gray'} tt="none">
          {watching ? 'live' : 'paused'}
        </Badge>
      </CardHeading>
      {error !== null && <ErrorNotice title="Live usage stopped" error={error} />}
      {latest === null ? (
        error === null && <UsageSkeleton />
      ) : (
        <Stack gap="md">
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xl" verticalSpacing="md">
            <UsageMeter label="CPU" reading={formatPercent(latest.cpuPercent)} percent={latest.cpuPercent} history={cpuHistory} testId="cpu-usage" />
            <UsageMeter
              label="Memory"
              reading={`${formatBytes(latest.memoryUsedBytes)} / ${formatBytes(latest.memoryTotalBytes)}`}
              percent={shareOf(latest.memoryUsedBytes, latest.memoryTotalBytes)}
              history={memoryHistory}
              color="violet"
              testId="memory-usage"
            />
          </SimpleGrid>
          {latest.gpus.map((gpu) => (
            <Stack key={gpu.index} gap="md">
              <Divider />
              <GpuUsage gpu={gpu} samples={samples} info={hardware?.gpus.find((g) => g.index === gpu.index) ?? null} />
            </Stack>
          ))}
        </Stack>
      )}
    </Card>
  );
}

function UsageSkeleton() {
  return (
    <Stack gap="md" aria-busy="true" aria-label="Waiting for the first sample">
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xl">
        {[0, 1].map((i) => (
          <Stack key={i} gap={6}>
            <Skeleton height={12} width="30%" radius="sm" />
            <Skeleton height={10} radius="xl" />
            <Skeleton height={48} radius="sm" />
          </Stack>
        ))}
      </SimpleGrid>
    </Stack>
  );
}
