/** Grey bars standing in for label/value rows while a report is on its way. */
import { Skeleton, Stack } from '@mantine/core';

export function FactsSkeleton({ rows }: { rows: number }) {
  return (
    <Stack gap="sm" aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, i) => (
        // Varying widths read as text lines rather than as one grey block.
        <Skeleton key={i} height={14} width={`${60 + ((i * 17) % 35)}%`} radius="sm" />
      ))}
    </Stack>
  );
}
