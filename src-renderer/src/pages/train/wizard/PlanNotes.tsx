/** What stands in the way of starting (problems) and what is worth a look (warnings). */
import { Alert, List } from '@mantine/core';
import type { RunPlan } from '../../../../../src-main/contract';

export function PlanNotes({ plan }: { plan: RunPlan }) {
  return (
    <>
      {plan.problems.length > 0 && (
        <Alert color="red" variant="light" title="Change these before starting" data-testid="train-problems">
          <List size="sm" spacing={4}>
            {plan.problems.map((problem) => (
              <List.Item key={problem} data-testid="train-problem">
                {problem}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
      {plan.warnings.length > 0 && (
        <Alert color="yellow" variant="light" title="Worth a look" data-testid="train-warnings">
          <List size="sm" spacing={4}>
            {plan.warnings.map((warning) => (
              <List.Item key={warning}>{warning}</List.Item>
            ))}
          </List>
        </Alert>
      )}
    </>
  );
}
