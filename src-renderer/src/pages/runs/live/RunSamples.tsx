/** The latest generated samples: what the model answers to validation prompts as it trains. */
import { Stack, Table, Text } from '@mantine/core';
import type { RunSample } from '../../../../../src-main/contract';

export function RunSamples({ samples }: { samples: readonly RunSample[] }) {
  if (samples.length === 0) return null;
  const latest = [...samples].reverse().slice(0, 5);
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        Samples
      </Text>
      <Table.ScrollContainer minWidth={600}>
        <Table verticalSpacing="xs" data-testid="run-samples" style={{ tableLayout: 'fixed' }}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={70}>Step</Table.Th>
              <Table.Th>Prompt</Table.Th>
              <Table.Th>Output</Table.Th>
              <Table.Th>Reference</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {latest.map((sample, i) => (
              <Table.Tr key={`${sample.step}-${i}`} data-testid="run-sample">
                <Table.Td>{sample.step}</Table.Td>
                <Table.Td style={PRE}>{sample.prompt}</Table.Td>
                <Table.Td style={PRE}>{sample.output}</Table.Td>
                <Table.Td style={PRE}>{sample.reference ?? '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

const PRE = { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', fontSize: 'var(--mantine-font-size-xs)' } as const;
