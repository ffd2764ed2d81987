/** The Datasets page's drop area: dataset files in any of the formats the readers take. */
import { Text } from '@mantine/core';
import { FileDropZone } from '../../../components/intake/FileDropZone';
import { selectTransport, useConnectionStore } from '../../../store/connection';
import { selectAddError, selectAdding, selectPickFiles, selectUploadFiles, useDatasetsStore } from '../../../store/datasets';
import { DATASET_ACCEPT } from '../../../store/datasets/uploadable';

export function DatasetDropZone({ dragging }: { dragging: boolean }) {
  const desktop = useConnectionStore(selectTransport) === 'electron';
  const adding = useDatasetsStore(selectAdding);
  const addError = useDatasetsStore(selectAddError);
  const pickFiles = useDatasetsStore(selectPickFiles);
  const uploadFiles = useDatasetsStore(selectUploadFiles);
  return (
    <FileDropZone
      testIdPrefix="dataset"
      dragging={dragging}
      desktop={desktop}
      adding={adding}
      addError={addError}
      errorTitle="Could not add datasets"
      title="Drop dataset files here"
      description={
        <>
          <Text size="sm" c="dimmed" ta="center">
            JSONL, JSON, CSV or TSV, Parquet and plain text. Lathe detects the layout (chat messages, ShareGPT, Alpaca, prompt/completion…) and checks every row.
          </Text>
          <Text size="xs" c="dimmed" ta="center">
            {desktop ? 'Files are read where they are and watched for changes.' : 'Files are uploaded to the machine Lathe runs on.'}
          </Text>
        </>
      }
      accept={DATASET_ACCEPT}
      onPickFiles={() => void pickFiles()}
      onUpload={uploadFiles}
    />
  );
}
