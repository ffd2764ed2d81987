/** The two badges a model row and the details drawer share: can it be loaded, and can Lathe train it. */
import { Badge, Text, Tooltip } from '@mantine/core';
import type { ModelEntry, ModelStatus } from '../../../../../src-main/contract';

const STATUS_COLOR: Record<ModelStatus, string> = { ready: 'green', missing: 'orange', invalid: 'red' };

export function ModelStatusBadge({ model }: { model: ModelEntry }) {
  return (
    <Tooltip label={model.problem ?? ''} disabled={model.problem === null} multiline maw={360} withArrow>
      {/* `tt="none"`: the state word as is, in the DOM text and on screen alike. */}
      <Badge color={STATUS_COLOR[model.status]} variant="light" tt="none" data-testid="model-status" data-status={model.status}>
        {model.status}
      </Badge>
    </Tooltip>
  );
}

export function TrainableBadge({ model }: { model: ModelEntry }) {
  const facts = model.facts;
  if (facts === null) {
    return (
      <Text span size="sm" c="dimmed" data-testid="model-trainable">
        —
      </Text>
    );
  }
  const reason = facts.trainable ? null : (facts.notTrainableReason ?? 'Lathe cannot train this file yet.');
  return (
    <Tooltip label={reason ?? ''} disabled={reason === null} multiline maw={360} withArrow>
      <Badge color={facts.trainable ? 'teal' : 'gray'} variant="light" tt="none" data-testid="model-trainable" data-trainable={facts.trainable}>
        {facts.trainable ? 'trainable' : 'not trainable'}
      </Badge>
    </Tooltip>
  );
}
