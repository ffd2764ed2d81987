/**
 * The first rows, as read from the file and as conversations, and the first few rendered
 * with a model's chat template, the trained spans highlighted: what training will see.
 */
import { Alert, Badge, Box, Code, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useMemo } from 'react';
import type { DatasetEntry, DatasetPreviewRow } from '../../../../../src-main/contract';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { selectLoadRendered, selectPrepareSettings, selectPreview, selectRendered, useDatasetsStore } from '../../../store/datasets';
import { effectiveModelId, effectiveOptions } from '../../../store/datasets/prepare-settings';
import { selectModels, useModelsStore } from '../../../store/models';
import { ModelSelect } from '../prepare/ModelSelect';
import { RenderedExampleView } from './RenderedExampleView';
import { isReadable } from './useOpenDatasetData';

const RAW_PREVIEW_CHARS = 400;

export function PreviewPanel({ dataset }: { dataset: DatasetEntry }) {
  const preview = useDatasetsStore(selectPreview);
  if (!isReadable(dataset)) {
    return (
      <Text size="sm" c="dimmed">
        The rows can be shown once the file has been read.
      </Text>
    );
  }
  return (
    <Stack gap="lg">
      <Stack gap="xs">
        <Title order={4} size="h5">
          Rows as read
        </Title>
        {preview.error !== null && <ErrorNotice title="Could not read the rows" error={preview.error} />}
        {preview.data === null ? preview.loading && <Loader size="sm" /> : <RawRows rows={preview.data} />}
      </Stack>
      <RenderedRows dataset={dataset} />
    </Stack>
  );
}

function RawRows({ rows }: { rows: readonly DatasetPreviewRow[] }) {
  return (
    <Table.ScrollContainer minWidth={600} maxHeight={420}>
      <Table data-testid="dataset-preview" stickyHeader verticalSpacing={4} tabularNums>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={70}>Line</Table.Th>
            <Table.Th>Row</Table.Th>
            <Table.Th w={260}>Read as</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.line} data-testid="dataset-preview-row">
              <Table.Td style={{ verticalAlign: 'top' }}>{row.line}</Table.Td>
              <Table.Td style={{ verticalAlign: 'top' }}>
                <Code block fz="xs" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', maxHeight: 160, overflow: 'auto' }}>
                  {rawText(row.raw)}
                </Code>
              </Table.Td>
              <Table.Td style={{ verticalAlign: 'top' }}>
                {row.conversation !== null ? (
                  <Stack gap={2}>
                    {row.conversation.map((message, i) => (
                      <Text key={i} size="xs" lineClamp={2}>
                        <Badge size="xs" variant="light" tt="none" mr={4} color={message.role === 'assistant' ? 'teal' : message.role === 'system' ? 'grape' : 'blue'}>
                          {message.role}
                        </Badge>
                        {message.content}
                      </Text>
                    ))}
                  </Stack>
                ) : (
                  <Text size="xs" c="red">
                    {row.problem}
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function RenderedRows({ dataset }: { dataset: DatasetEntry }) {
  const rendered = useDatasetsStore(selectRendered);
  const loadRendered = useDatasetsStore(selectLoadRendered);
  const settings = useDatasetsStore(selectPrepareSettings);
  const models = useModelsStore(selectModels);
  const modelId = effectiveModelId(settings.modelId, models ?? []);
  const model = useMemo(() => models?.find((m) => m.id === modelId) ?? null, [models, modelId]);
  const options = effectiveOptions(settings.options, model);
  const ready = dataset.status === 'ready';
  const optionsKey = JSON.stringify(options);

  useEffect(() => {
    if (modelId === null || !ready) return;
    void loadRendered(dataset.id, modelId, JSON.parse(optionsKey));
  }, [dataset.id, modelId, ready, optionsKey, loadRendered]);

  return (
    <Stack gap="xs">
      <Title order={4} size="h5">
        As the model sees them
      </Title>
      <ModelSelect testId="dataset-render-model-select" label="Rendered with" />
      {!ready ? (
        <Text size="sm" c="dimmed">
          Rendering needs the dataset to be ready ({dataset.status}).
        </Text>
      ) : (
        <>
          {rendered.error !== null && (
            <Alert color="red" variant="light" title="Could not render the rows">
              <Text size="sm">{rendered.error.message}</Text>
            </Alert>
          )}
          {rendered.loading && <Loader size="sm" />}
          {rendered.data !== null && (
            <>
              <Text size="xs" c="dimmed">
                <mark style={{ background: 'var(--mantine-color-teal-light)', color: 'inherit' }}>Highlighted</mark> text is what the model is trained to produce;
                the rest is context.
              </Text>
              <Box>
                <Stack gap="sm">
                  {rendered.data.map((example) => (
                    <RenderedExampleView key={example.line} example={example} />
                  ))}
                </Stack>
              </Box>
            </>
          )}
        </>
      )}
    </Stack>
  );
}

function rawText(raw: unknown): string {
  // Compact: a row reads as the line it is in the file, wrapped, not as a tall tree.
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
  return text.length > RAW_PREVIEW_CHARS ? `${text.slice(0, RAW_PREVIEW_CHARS)}…` : text;
}
