/** The title row of a page card, with room for a badge or a button on the right. */
import { Group, Title } from '@mantine/core';
import type { ReactNode } from 'react';

export function CardHeading({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Group justify="space-between" align="center" mb="md" wrap="nowrap">
      <Title order={3} size="h4">
        {title}
      </Title>
      {children}
    </Group>
  );
}
