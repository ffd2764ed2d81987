/** "Runs: fits" / "Trains: tight" with the estimate's sentence as its tooltip. */
import { Badge, Tooltip } from '@mantine/core';
import type { HubFit } from '../../../../../src-main/contract';

const LOOK: Record<HubFit['verdict'], { color: string; word: string }> = {
  yes: { color: 'green', word: 'fits' },
  tight: { color: 'yellow', word: 'tight' },
  no: { color: 'red', word: 'too big' },
  unknown: { color: 'gray', word: 'unknown' },
};

export function FitBadge({ label, fit, testId }: { label: string; fit: HubFit; testId: string }) {
  const look = LOOK[fit.verdict];
  return (
    <Tooltip label={fit.note} multiline w={320} withArrow>
      <Badge variant="light" color={look.color} tt="none" data-testid={testId} data-verdict={fit.verdict}>
        {label}: {look.word}
      </Badge>
    </Tooltip>
  );
}
