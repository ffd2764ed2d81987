/** The navbar: one link per page, with its keyboard shortcut shown beside it. */
import { Kbd, NavLink, Stack } from '@mantine/core';
import type { PageEntry } from '../pages/registry';

interface PageNavProps {
  pages: readonly PageEntry[];
  current: string;
  onOpen(id: string): void;
}

export function PageNav({ pages, current, onOpen }: PageNavProps) {
  return (
    <Stack gap={4} component="nav" aria-label="Pages">
      {pages.map((page, i) => (
        <NavLink
          key={page.id}
          component="button"
          type="button"
          label={page.label}
          description={page.description}
          active={page.id === current}
          aria-current={page.id === current ? 'page' : undefined}
          onClick={() => onOpen(page.id)}
          rightSection={i < 9 ? <Kbd size="xs">Alt+{i + 1}</Kbd> : undefined}
          data-testid={`nav-${page.id}`}
        />
      ))}
    </Stack>
  );
}
