/** A working Python with torch: which one, which versions, and which accelerator torch sees. */
import { Code, Text } from '@mantine/core';
import type { PythonReport } from '../../../../../src-main/contract';
import { FactList, type Fact } from '../../../components/FactList';
import { describeAccelerator } from './describe-accelerator';

export function PythonReadyFacts({ report }: { report: PythonReport }) {
  const facts: Fact[] = [
    { label: 'Interpreter', value: report.python === null ? '—' : <Code>{report.python}</Code> },
    { label: 'Python', value: report.pythonVersion ?? '—' },
    { label: 'torch', value: report.torchVersion ?? '—' },
    { label: 'Accelerator', value: <span data-testid="python-accelerator">{describeAccelerator(report)}</span> },
    {
      label: 'torch threads',
      value:
        report.torchThreads === null ? (
          <Text span c="dimmed" size="sm">not reported</Text>
        ) : (
          String(report.torchThreads)
        ),
    },
  ];
  return <FactList facts={facts} />;
}
