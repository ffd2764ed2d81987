/** Why training cannot start yet (no Python, or Python without torch), what to do, and what was tried. */
import { Alert, Stack, Text, Title } from '@mantine/core';
import type { PythonReport } from '../../../../../src-main/contract';
import { AdviceText } from './AdviceText';
import { CandidateTable } from './CandidateTable';

const EXPLANATION: Record<'no_python' | 'no_torch', { title: string; body: string }> = {
  no_python: {
    title: 'No Python found',
    body: 'Lathe trains adapters with Python 3 and PyTorch. Install Python, add torch to it, then check again.',
  },
  no_torch: {
    title: 'Python found, but not torch',
    body: 'Lathe trains adapters with PyTorch, which none of the interpreters below can import. Install torch for one of them, then check again.',
  },
};

export function PythonProblem({ report, state }: { report: PythonReport; state: 'no_python' | 'no_torch' }) {
  const { title, body } = EXPLANATION[state];
  return (
    <Stack gap="md">
      <Alert color={state === 'no_python' ? 'red' : 'yellow'} variant="light" title={title}>
        <Stack gap="sm">
          <Text size="sm">{body}</Text>
          {report.advice !== null && <AdviceText advice={report.advice} />}
        </Stack>
      </Alert>
      <Stack gap="xs">
        <Title order={4} size="h5">
          Interpreters tried
        </Title>
        <CandidateTable candidates={report.candidates} />
      </Stack>
    </Stack>
  );
}
