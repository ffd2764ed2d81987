/** OS, CPU, memory, disk and GPUs: what this machine brings to training. */
import { Card } from '@mantine/core';
import { CardHeading } from '../../../components/CardHeading';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { FactsSkeleton } from '../../../components/FactsSkeleton';
import { selectHardware, selectHardwareError, useSystemStore } from '../../../store/system';
import { GpuSection } from './GpuSection';
import { HardwareFacts } from './HardwareFacts';

export function HardwareCard() {
  const hardware = useSystemStore(selectHardware);
  const error = useSystemStore(selectHardwareError);
  return (
    <Card withBorder radius="md" padding="lg" data-testid="hardware-card">
      <CardHeading title="Hardware" />
      {error !== null && <ErrorNotice title="Could not read the hardware" error={error} />}
      {hardware !== null ? (
        <>
          <HardwareFacts hardware={hardware} />
          <GpuSection gpus={hardware.gpus} notes={hardware.gpuNotes} />
        </>
      ) : (
        error === null && <FactsSkeleton rows={6} />
      )}
    </Card>
  );
}
