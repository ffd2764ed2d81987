/** The open repository's GGUF files: size, quantization, whether it runs and trains here, and Download. */
import { Alert, Button, Group, Loader, Table, Text } from '@mantine/core';
import { formatBytes } from '../../../format/bytes';
import { selectHubCloseRepo, selectHubDownload, selectHubFiles, selectHubOpenRepo, selectHubRecommended, useHubStore } from '../../../store/hub';
import { FitBadge } from './FitBadge';

export function HubFiles() {
  const repo = useHubStore(selectHubOpenRepo);
  const files = useHubStore(selectHubFiles);
  const recommended = useHubStore(selectHubRecommended);
  const closeRepo = useHubStore(selectHubCloseRepo);
  const download = useHubStore(selectHubDownload);
  if (repo === null) return null;
  const suggested = recommended?.find((r) => r.repo === repo)?.file ?? null;
  return (
    <div data-testid="hub-files">
      <Group justify="space-between" mb="xs">
        <Text fw={500}>{repo}</Text>
        <Button size="xs" variant="subtle" onClick={closeRepo}>
          Close
        </Button>
      </Group>
      {files.loading && <Loader size="sm" />}
      {files.error && (
        <Alert color="red" data-testid="hub-files-error">
          {files.error.message}
        </Alert>
      )}
      {files.data && files.data.files.length === 0 && (
        <Text size="sm" c="dimmed" data-testid="hub-files-empty">
          This repository has no GGUF files. Lathe runs and trains GGUF models; look for a repository whose name ends in -GGUF.
        </Text>
      )}
      {files.data && files.data.files.length > 0 && (
        <Table verticalSpacing="xs" tabularNums>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>File</Table.Th>
              <Table.Th>Quantization</Table.Th>
              <Table.Th>Size</Table.Th>
              <Table.Th>On this machine</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {files.data.files.map((file) => {
              const refused = file.splitPart ? 'Split model: Lathe reads single files.' : file.sha256 === null ? 'No published SHA-256 to check it against.' : null;
              return (
                <Table.Tr key={file.path} data-testid="hub-file" data-path={file.path}>
                  <Table.Td>
                    <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                      {file.path}
                      {file.path === suggested ? ' (suggested)' : ''}
                    </Text>
                  </Table.Td>
                  <Table.Td>{file.quantization ?? '—'}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatBytes(file.sizeBytes)}</Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <FitBadge label="Runs" fit={file.inference} testId="hub-fit-inference" />
                      <FitBadge label="Trains" fit={file.training} testId="hub-fit-training" />
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Button size="xs" disabled={refused !== null} title={refused ?? undefined} onClick={() => void download(repo, file.path)} data-testid="hub-file-download">
                      Download
                    </Button>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </div>
  );
}
