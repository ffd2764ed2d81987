/** How many tensors of each type the file holds: a Q4_K_M file is a mix, and this shows the mix. */
import { Text } from '@mantine/core';
import { FactList } from '../../../components/FactList';
import { tensorTypeRows } from './tensor-type-rows';

export function TensorTypes({ histogram }: { histogram: Record<string, number> }) {
  const rows = tensorTypeRows(histogram);
  if (rows.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No tensors listed.
      </Text>
    );
  }
  return (
    <div data-testid="model-tensor-types">
      <FactList
        facts={rows.map((row) => ({
          label: row.type,
          value: `${row.count} ${row.count === 1 ? 'tensor' : 'tensors'} (${row.share})`,
        }))}
      />
    </div>
  );
}
