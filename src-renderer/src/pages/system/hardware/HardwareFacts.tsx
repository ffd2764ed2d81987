/** Operating system, processor, memory and data-folder disk as label/value rows. */
import { Code, SimpleGrid, Text } from '@mantine/core';
import type { HardwareReport } from '../../../../../src-main/contract';
import { FactList, type Fact } from '../../../components/FactList';
import { formatBytes } from '../../../format/bytes';

export function HardwareFacts({ hardware }: { hardware: HardwareReport }) {
  const { os, cpu, memory, disk } = hardware;
  const machine: Fact[] = [
    {
      label: 'Operating system',
      value: (
        <>
          {os.distro} {os.release} <Text span c="dimmed" size="sm">({os.arch})</Text>
        </>
      ),
    },
    {
      label: 'Processor',
      value: cpu.speedGHz === null ? cpu.model : `${cpu.model} · ${cpu.speedGHz.toFixed(2)} GHz`,
    },
    { label: 'Physical cores', value: <span data-testid="physical-cores">{String(cpu.physicalCores)}</span> },
    { label: 'Logical cores', value: <span data-testid="logical-cores">{String(cpu.logicalCores)}</span> },
  ];
  const storage: Fact[] = [
    {
      label: 'Memory',
      value: (
        <>
          <span data-testid="memory-total">{formatBytes(memory.totalBytes)}</span>{' '}
          <Text span c="dimmed" size="sm">
            ({formatBytes(memory.availableBytes)} available)
          </Text>
        </>
      ),
    },
    {
      label: 'Data folder disk',
      value:
        disk === null ? (
          <Text span c="dimmed" size="sm">Not known</Text>
        ) : (
          <>
            <span data-testid="disk-free">{formatBytes(disk.freeBytes)}</span> free of {formatBytes(disk.totalBytes)}
            <br />
            <Code>{disk.path}</Code>
          </>
        ),
    },
  ];
  // Two columns on wide windows: the machine on the left, memory and disk on the right.
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xl" verticalSpacing={6}>
      <FactList facts={machine} />
      <FactList facts={storage} />
    </SimpleGrid>
  );
}
