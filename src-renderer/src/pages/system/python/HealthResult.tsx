/** The health check's answer: what works, and for each problem the exact next step. */
import { Alert, Stack, Text } from '@mantine/core';
import type { RuntimeHealth } from '../../../../../src-main/contract';

export function HealthResult({ health }: { health: RuntimeHealth }) {
  const facts = [
    health.python,
    health.torchVersion ? `torch ${health.torchVersion}` : null,
    health.device ? `${health.device}${health.deviceName ? ` (${health.deviceName})` : ''}` : null,
    health.matmulMs !== null ? `matmul ${health.matmulMs.toFixed(1)} ms` : null,
    health.runtimeAnswers ? 'runtime answers' : null,
  ].filter((fact): fact is string => fact !== null && fact !== '');
  return (
    <Alert color={health.ok ? (health.problems.length > 0 ? 'yellow' : 'green') : 'red'} variant="light" title={health.ok ? 'Healthy' : 'Not ready to train'} data-testid="runtime-health-result">
      <Stack gap={6}>
        <Text size="sm">{facts.join(' · ')}</Text>
        {health.problems.map((problem) => (
          <Stack gap={0} key={problem.kind} data-testid="runtime-health-problem">
            <Text size="sm">{problem.message}</Text>
            <Text size="sm" fw={600}>
              Next step: {problem.nextStep}
            </Text>
          </Stack>
        ))}
      </Stack>
    </Alert>
  );
}
