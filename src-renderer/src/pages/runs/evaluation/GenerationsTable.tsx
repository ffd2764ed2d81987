/**
 * Validation prompts with the reference beside the base model's and the fine-tuned model's
 * answers; an answer that matches the reference is marked green, one that does not is
 * marked with its colour, so the difference the adapter makes shows at a glance.
 */
import { Table, Text } from '@mantine/core';
import type { EvaluationGeneration } from '../../../../../src-main/contract';
import { matchesReference } from './evaluation-view';

export function GenerationsTable({ rows }: { rows: readonly EvaluationGeneration[] }) {
  if (rows.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No generations were asked for.
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={760} maxHeight={420}>
      <Table verticalSpacing="xs" style={{ tableLayout: 'fixed' }} stickyHeader data-testid="evaluation-generations">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Prompt</Table.Th>
            <Table.Th>Reference</Table.Th>
            <Table.Th>Base model</Table.Th>
            <Table.Th>Fine-tuned</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row, i) => (
            <Table.Tr key={i} data-testid="evaluation-generation">
              <Table.Td style={PRE}>{row.prompt}</Table.Td>
              <Table.Td style={PRE}>{row.reference}</Table.Td>
              <AnswerTd text={row.base} reference={row.reference} testId="evaluation-base" />
              <AnswerTd text={row.fineTuned} reference={row.reference} testId="evaluation-fine-tuned" />
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function AnswerTd({ text, reference, testId }: { text: string; reference: string; testId: string }) {
  const matches = matchesReference(reference, text);
  return (
    <Table.Td
      style={{ ...PRE, borderLeft: `3px solid var(--mantine-color-${matches ? 'green' : 'orange'}-6)` }}
      bg={matches ? 'var(--mantine-color-green-light)' : undefined}
      data-testid={testId}
      data-matches={matches}
      title={matches ? 'Matches the reference' : 'Differs from the reference'}
    >
      {text === '' ? '(nothing)' : text}
    </Table.Td>
  );
}

const PRE = { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', fontSize: 'var(--mantine-font-size-xs)', verticalAlign: 'top' } as const;
