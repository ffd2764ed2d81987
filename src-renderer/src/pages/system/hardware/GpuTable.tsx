/** One row per GPU with what matters for training: memory, driver/CUDA, and how busy/hot it is. */
import { Table } from '@mantine/core';
import type { GpuInfo } from '../../../../../src-main/contract';
import { formatMegabytes } from '../../../format/bytes';
import { formatCelsius, formatPercent, formatWatts } from '../../../format/numbers';

// Numbers and units stay on one line; only the GPU's name may wrap.
const NO_WRAP = { whiteSpace: 'nowrap' } as const;

export function GpuTable({ gpus }: { gpus: readonly GpuInfo[] }) {
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table data-testid="gpu-table" verticalSpacing="xs" tabularNums>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>GPU</Table.Th>
            <Table.Th>VRAM</Table.Th>
            <Table.Th>Driver</Table.Th>
            <Table.Th>CUDA</Table.Th>
            <Table.Th>Utilization</Table.Th>
            <Table.Th>Temperature</Table.Th>
            <Table.Th>Power</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {gpus.map((gpu) => (
            <Table.Tr key={gpu.index}>
              <Table.Td>
                {gpu.index}: {gpu.name}
              </Table.Td>
              <Table.Td style={NO_WRAP}>{formatMegabytes(gpu.memoryTotalMb)}</Table.Td>
              <Table.Td style={NO_WRAP}>{gpu.driverVersion ?? '—'}</Table.Td>
              <Table.Td style={NO_WRAP}>{gpu.cudaVersion ?? '—'}</Table.Td>
              <Table.Td style={NO_WRAP}>{formatPercent(gpu.utilizationPercent)}</Table.Td>
              <Table.Td style={NO_WRAP}>{formatCelsius(gpu.temperatureC)}</Table.Td>
              <Table.Td style={NO_WRAP}>{formatWatts(gpu.powerDrawW, gpu.powerLimitW)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
