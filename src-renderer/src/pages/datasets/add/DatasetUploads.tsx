/** The Datasets page's browser uploads and the files its adds left out. */
import { SkippedFilesAlert } from '../../../components/intake/SkippedFilesAlert';
import { UploadsCard } from '../../../components/intake/UploadsCard';
import { selectCancelUpload, selectDismissSkipped, selectDismissUpload, selectSkipped, selectUploads, useDatasetsStore } from '../../../store/datasets';

export function DatasetUploads() {
  const uploads = useDatasetsStore(selectUploads);
  const skipped = useDatasetsStore(selectSkipped);
  const cancelUpload = useDatasetsStore(selectCancelUpload);
  const dismissUpload = useDatasetsStore(selectDismissUpload);
  const dismissSkipped = useDatasetsStore(selectDismissSkipped);
  return (
    <>
      <UploadsCard testIdPrefix="dataset" uploads={uploads} onCancel={cancelUpload} onDismiss={dismissUpload} />
      <SkippedFilesAlert skipped={skipped} onDismiss={dismissSkipped} />
    </>
  );
}
