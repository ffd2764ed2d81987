/** Bottom of the navbar: Lathe's version and where it keeps its data, once known. */
import { Code, Stack, Text } from '@mantine/core';
import { selectAppInfo, useSystemStore } from '../store/system';

export function AppVersion() {
  const info = useSystemStore(selectAppInfo);
  if (info === null) return null;
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" data-testid="app-version">
        Lathe {info.version}
      </Text>
      <Text size="xs" c="dimmed">
        Data: <Code fz="xs">{info.dataDir}</Code>
      </Text>
    </Stack>
  );
}
