/** A dataset's state in one word, with the reason on hover when there is one. */
import { Badge, Tooltip } from '@mantine/core';
import type { DatasetEntry, DatasetStatus } from '../../../../../src-main/contract';

const STATUS_COLOR: Record<DatasetStatus, string> = { importing: 'blue', ready: 'green', stale: 'yellow', missing: 'orange', failed: 'red' };

export function DatasetStatusBadge({ dataset }: { dataset: DatasetEntry }) {
  return (
    <Tooltip label={dataset.problem ?? ''} disabled={dataset.problem === null} multiline maw={360} withArrow>
      {/* `tt="none"`: the state word as is, in the DOM text and on screen alike. */}
      <Badge color={STATUS_COLOR[dataset.status]} variant="light" tt="none" data-testid="dataset-status" data-status={dataset.status}>
        {dataset.status}
      </Badge>
    </Tooltip>
  );
}
