/**
 * The SHA-256 of a model file: shown once known, otherwise computed on request with a
 * progress bar fed by `hash-progress` events (a multi-gigabyte file takes a while).
 */
import { Button, Code, Group, Progress, Stack, Text } from '@mantine/core';
import { useMemo } from 'react';
import type { ModelEntry } from '../../../../../src-main/contract';
import { formatBytes } from '../../../format/bytes';
import { shareOf } from '../../../format/numbers';
import { selectCancelHash, selectHashStateOf, selectStartHash, useModelsStore } from '../../../store/models';

export function HashControl({ model }: { model: ModelEntry }) {
  const selectHash = useMemo(() => selectHashStateOf(model.id), [model.id]);
  const hash = useModelsStore(selectHash);
  const startHash = useModelsStore(selectStartHash);
  const cancelHash = useModelsStore(selectCancelHash);

  if (model.sha256 !== null) {
    return (
      <Code data-testid="model-sha256" style={{ overflowWrap: 'anywhere' }}>
        {model.sha256}
      </Code>
    );
  }
  if (hash !== null && hash.error === null) {
    const percent = shareOf(hash.bytesDone, hash.bytesTotal);
    return (
      <Stack gap={4} data-testid="model-hash-progress">
        <Group gap="sm" wrap="nowrap">
          <Progress value={percent} size="sm" style={{ flex: 1 }} aria-label="Computing SHA-256" transitionDuration={200} />
          <Button size="compact-xs" variant="subtle" color="gray" onClick={() => void cancelHash(model.id)} data-testid="model-hash-cancel">
            Cancel
          </Button>
        </Group>
        <Text size="xs" c="dimmed" style={{ fontVariantNumeric: 'tabular-nums' }}>
          {formatBytes(hash.bytesDone)} of {formatBytes(hash.bytesTotal)} · {Math.floor(percent)}%
        </Text>
      </Stack>
    );
  }
  return (
    <Stack gap={4} align="flex-start">
      <Group gap="sm">
        <Text span size="sm" c="dimmed">
          Not computed
        </Text>
        <Button size="compact-xs" variant="default" disabled={model.status === 'missing'} onClick={() => void startHash(model.id)} data-testid="model-hash-compute">
          {hash?.error ? 'Try again' : 'Compute'}
        </Button>
      </Group>
      {hash?.error && (
        <Text size="xs" c="red" role="alert" data-testid="model-hash-error">
          {hash.error}
        </Text>
      )}
    </Stack>
  );
}
