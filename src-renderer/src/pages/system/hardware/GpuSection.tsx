/** The GPU part of the hardware card: the table, or a plain statement that training will use the CPU. */
import { Alert, List, Stack, Text, Title } from '@mantine/core';
import type { GpuInfo } from '../../../../../src-main/contract';
import { GpuTable } from './GpuTable';

interface GpuSectionProps {
  gpus: readonly GpuInfo[];
  notes: readonly string[];
}

export function GpuSection({ gpus, notes }: GpuSectionProps) {
  return (
    <Stack gap="xs" mt="lg">
      <Title order={4} size="h5">
        {gpus.length === 1 ? 'GPU' : 'GPUs'}
      </Title>
      {gpus.length > 0 ? (
        <GpuTable gpus={gpus} />
      ) : (
        <Alert color="gray" variant="light" data-testid="no-gpu">
          No GPU found — training runs on the CPU (slow, fine for tiny models)
        </Alert>
      )}
      {notes.length > 0 && (
        <List size="sm" c="dimmed" data-testid="gpu-notes">
          {notes.map((note) => (
            <List.Item key={note}>
              <Text span size="sm">{note}</Text>
            </List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}
