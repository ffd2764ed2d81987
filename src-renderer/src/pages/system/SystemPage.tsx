/** The System page: can this machine train, and how busy is it right now. */
import { Stack, Text, Title } from '@mantine/core';
import { selectMayAsk, useConnectionStore } from '../../store/connection';
import { HardwareCard } from './hardware/HardwareCard';
import { PythonCard } from './python/PythonCard';
import { UsageCard } from './usage/UsageCard';
import { useSystemPageData } from './useSystemPageData';

export function SystemPage() {
  useSystemPageData();
  // While refused, the banner above says what to do; cards full of the same error would not.
  const mayAsk = useConnectionStore(selectMayAsk);
  return (
    <Stack gap="lg" data-testid="page-system">
      <div>
        <Title order={2}>System</Title>
        <Text c="dimmed" size="sm">
          What this machine brings to training, and how busy it is right now.
        </Text>
      </div>
      {mayAsk && (
        <>
          <HardwareCard />
          <UsageCard />
          <PythonCard />
        </>
      )}
    </Stack>
  );
}
