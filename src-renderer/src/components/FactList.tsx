/** Label/value pairs in two aligned columns: a `<dl>` so screen readers pair them too. */
import { Box, Text } from '@mantine/core';
import type { ReactNode } from 'react';

export interface Fact {
  label: string;
  value: ReactNode;
}

export function FactList({ facts }: { facts: readonly Fact[] }) {
  return (
    <Box component="dl" m={0} style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 'var(--mantine-spacing-lg)', rowGap: 6 }}>
      {facts.map((fact) => (
        <Box key={fact.label} style={{ display: 'contents' }}>
          <Text component="dt" size="sm" c="dimmed">
            {fact.label}
          </Text>
          <Box component="dd" m={0} fz="sm" style={{ minWidth: 0, overflowWrap: 'anywhere' }}>
            {fact.value}
          </Box>
        </Box>
      ))}
    </Box>
  );
}
