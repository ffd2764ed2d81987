/** What a preparation made: examples and tokens per split, what was left out, and the length charts. */
import { Badge, Code, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { PreparedSummary } from '../../../../../src-main/contract';
import { TokenLengthBoxPlot } from '../../../components/charts/TokenLengthBoxPlot';
import { TokenLengthHistogram } from '../../../components/charts/TokenLengthHistogram';
import { FactList } from '../../../components/FactList';
import { formatInteger, plural } from '../../../format/dataset';

export function PreparedResult({ summary, modelName }: { summary: PreparedSummary; modelName: string }) {
  const { examples, tokens, dropped, lengths, options } = summary;
  return (
    <Stack gap="md" data-testid="dataset-prepared" data-cached={summary.cached}>
      <Group gap="sm">
        <Title order={4} size="h5">
          Prepared for {modelName}
        </Title>
        {summary.cached && (
          <Badge variant="light" color="gray" tt="none" data-testid="dataset-prepared-cached">
            reused: prepared before with the same settings
          </Badge>
        )}
      </Group>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <FactList
          facts={[
            { label: 'Examples', value: `${formatInteger(examples.train)} train · ${formatInteger(examples.validation)} validation` },
            { label: 'Tokens', value: `${formatInteger(tokens.train)} train · ${formatInteger(tokens.validation)} validation` },
            { label: 'Trained on', value: `${formatInteger(tokens.trained)} tokens (loss on ${options.lossOn === 'all' ? 'every token' : 'assistant turns'})` },
            {
              label: `Over ${formatInteger(options.maxLength)}`,
              value: `${plural(summary.overlong, 'example')} ${options.overlong === 'drop' ? 'dropped' : 'truncated'}`,
            },
            { label: 'Left out', value: `${plural(dropped.invalid, 'bad row')} · ${plural(dropped.duplicates, 'duplicate')} · ${formatInteger(dropped.overlong)} too long` },
          ]}
        />
        <FactList
          facts={[
            { label: 'Shortest', value: `${formatInteger(lengths.min)} tokens` },
            { label: 'Median', value: `${formatInteger(lengths.p50)} tokens (mean ${formatInteger(lengths.mean)})` },
            { label: '90th / 99th', value: `${formatInteger(lengths.p90)} / ${formatInteger(lengths.p99)} tokens` },
            { label: 'Longest', value: `${formatInteger(lengths.max)} tokens` },
            { label: 'Folder', value: <Code fz="xs">{summary.dir}</Code> },
          ]}
        />
      </SimpleGrid>
      {lengths.count > 0 ? (
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            Example lengths (tokens, before truncation)
          </Text>
          <TokenLengthHistogram stats={lengths} maxLength={options.maxLength} />
          <TokenLengthBoxPlot stats={lengths} />
        </Stack>
      ) : (
        <Text size="sm" c="dimmed">
          No example was left to prepare.
        </Text>
      )}
    </Stack>
  );
}
