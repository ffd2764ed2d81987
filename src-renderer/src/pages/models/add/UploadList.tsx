/** Browser uploads under way or finished, one row each, until dismissed. */
import { Card, Stack } from '@mantine/core';
import { CardHeading } from '../../../components/CardHeading';
import { selectUploads, useModelsStore } from '../../../store/models';
import { UploadRow } from './UploadRow';

export function UploadList() {
  const uploads = useModelsStore(selectUploads);
  if (uploads.length === 0) return null;
  return (
    <Card withBorder radius="md" padding="lg" data-testid="model-uploads">
      <CardHeading title="Uploads" />
      <Stack gap="md">
        {uploads.map((item) => (
          <UploadRow key={item.key} uploadKey={item.key} />
        ))}
      </Stack>
    </Card>
  );
}
