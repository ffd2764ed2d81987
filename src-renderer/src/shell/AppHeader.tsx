/** The header bar: the app's name and the connection badge. */
import { Burger, Group, Title } from '@mantine/core';
import { ConnectionBadge } from './ConnectionBadge';

interface AppHeaderProps {
  navOpened: boolean;
  onToggleNav(): void;
}

export function AppHeader({ navOpened, onToggleNav }: AppHeaderProps) {
  return (
    <Group h="100%" px="md" justify="space-between" wrap="nowrap">
      <Group gap="sm" wrap="nowrap">
        <Burger opened={navOpened} onClick={onToggleNav} hiddenFrom="sm" size="sm" aria-label="Show pages" />
        <Title order={1} size="h3">
          Lathe
        </Title>
      </Group>
      <ConnectionBadge />
    </Group>
  );
}
