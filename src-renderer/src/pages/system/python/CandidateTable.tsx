/** Every interpreter the Python check tried, and why each could not be used. */
import { Code, Table, Text } from '@mantine/core';
import type { PythonCandidate } from '../../../../../src-main/contract';

const SOURCE_LABEL: Record<PythonCandidate['source'], string> = {
  LATHE_PYTHON: 'LATHE_PYTHON',
  chosen: 'chosen on this page',
  venv: "Lathe's venv",
  PATH: 'PATH',
  system: 'system default',
};

export function CandidateTable({ candidates }: { candidates: readonly PythonCandidate[] }) {
  if (candidates.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No interpreter was found to try.
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table data-testid="python-candidates" verticalSpacing={6} fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Interpreter</Table.Th>
            <Table.Th>Found via</Table.Th>
            <Table.Th>Python</Table.Th>
            <Table.Th>torch</Table.Th>
            <Table.Th>Problem</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {candidates.map((candidate) => (
            <Table.Tr key={`${candidate.source}:${candidate.path}`}>
              <Table.Td>
                <Code>{candidate.path}</Code>
              </Table.Td>
              <Table.Td>{SOURCE_LABEL[candidate.source]}</Table.Td>
              <Table.Td>{candidate.pythonVersion ?? '—'}</Table.Td>
              <Table.Td>{candidate.torchVersion ?? '—'}</Table.Td>
              <Table.Td>{candidate.problem ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
