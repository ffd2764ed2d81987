/** The Models page's browser uploads and the files its adds left out. */
import { SkippedFilesAlert } from '../../../components/intake/SkippedFilesAlert';
import { UploadsCard } from '../../../components/intake/UploadsCard';
import { selectCancelUpload, selectDismissSkipped, selectDismissUpload, selectSkipped, selectUploads, useModelsStore } from '../../../store/models';

export function ModelUploads() {
  const uploads = useModelsStore(selectUploads);
  const skipped = useModelsStore(selectSkipped);
  const cancelUpload = useModelsStore(selectCancelUpload);
  const dismissUpload = useModelsStore(selectDismissUpload);
  const dismissSkipped = useModelsStore(selectDismissSkipped);
  return (
    <>
      <UploadsCard testIdPrefix="model" uploads={uploads} onCancel={cancelUpload} onDismiss={dismissUpload} />
      <SkippedFilesAlert skipped={skipped} onDismiss={dismissSkipped} />
    </>
  );
}
