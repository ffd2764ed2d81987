/** Everything Lathe knows about one model, opened from its table row. */
import { Alert, Divider, Drawer, Group, List, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import type { ModelEntry } from '../../../../../src-main/contract';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { modelDisplayName } from '../../../format/model';
import { selectActionError, selectCloseDetails, selectOpenModel, selectOpenModelId, useModelsStore } from '../../../store/models';
import { ModelStatusBadge, TrainableBadge } from '../table/ModelBadges';
import { ChatTemplate } from './ChatTemplate';
import { ModelActions } from './ModelActions';
import { ModelFacts } from './ModelFacts';
import { ModelFileFacts } from './ModelFileFacts';
import { TensorTypes } from './TensorTypes';

export function ModelDetailsDrawer() {
  const openId = useModelsStore(selectOpenModelId);
  const model = useModelsStore(selectOpenModel);
  const close = useModelsStore(selectCloseDetails);
  return (
    <Drawer
      opened={openId !== null && model !== null}
      onClose={close}
      position="right"
      size="xl"
      title={model === null ? '' : <Text fw={600} size="lg">{modelDisplayName(model)}</Text>}
      data-testid="model-details"
    >
      {model !== null && <ModelDetails model={model} />}
    </Drawer>
  );
}

function ModelDetails({ model }: { model: ModelEntry }) {
  const actionError = useModelsStore(selectActionError);
  const facts = model.facts;
  return (
    <Stack gap="lg" data-testid="model-details-body" data-model-id={model.id}>
      <Group gap="xs">
        <ModelStatusBadge model={model} />
        <TrainableBadge model={model} />
      </Group>
      {model.problem !== null && (
        <Alert color={model.status === 'missing' ? 'orange' : 'red'} variant="light" title={model.status === 'missing' ? 'The file is missing' : 'The file cannot be used'}>
          <Text size="sm">{model.problem}</Text>
        </Alert>
      )}
      {facts !== null && !facts.trainable && (
        <Text size="sm" c="dimmed" data-testid="model-not-trainable-reason">
          Not trainable: {facts.notTrainableReason ?? 'Lathe cannot train this file yet.'}
        </Text>
      )}
      {actionError !== null && <ErrorNotice title="That did not work" error={actionError} />}

      {facts !== null && (
        <>
          <Section title="Model">
            <ModelFacts facts={facts} />
          </Section>
          {facts.loadProblems.length > 0 && (
            <Alert color="yellow" variant="light" title="llama.cpp would refuse to load this file" data-testid="model-load-problems">
              <List size="sm">
                {facts.loadProblems.map((problem) => (
                  <List.Item key={problem}>{problem}</List.Item>
                ))}
              </List>
            </Alert>
          )}
          <Section title="Tensor types">
            <TensorTypes histogram={facts.tensorTypes} />
          </Section>
          <Section title="Chat template">
            <ChatTemplate template={facts.chatTemplate} />
          </Section>
        </>
      )}
      <Section title="File">
        <ModelFileFacts model={model} />
      </Section>
      <Divider />
      <ModelActions model={model} />
    </Stack>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap="xs">
      <Title order={3} size="h5">
        {title}
      </Title>
      {children}
    </Stack>
  );
}
