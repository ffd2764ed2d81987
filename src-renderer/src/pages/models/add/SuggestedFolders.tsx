/** "Found on this computer": model folders of LM Studio and Ollama, each one click from being watched. */
import { Badge, Button, Card, Code, Group, Stack, Text } from '@mantine/core';
import type { SuggestedModelFolder } from '../../../../../src-main/contract';
import { CardHeading } from '../../../components/CardHeading';
import { selectAddSuggestedFolder, selectAdding, selectSuggestedFolders, useModelsStore } from '../../../store/models';
import { notifyAdded } from './notify-added';

const APP_LABEL: Record<SuggestedModelFolder['app'], string> = { lmstudio: 'LM Studio', ollama: 'Ollama' };

export function SuggestedFolders() {
  const folders = useModelsStore(selectSuggestedFolders);
  // Nothing found is the common case on a fresh machine; an empty card would only take space.
  if (folders === null || folders.length === 0) return null;
  return (
    <Card withBorder radius="md" padding="lg" data-testid="suggested-folders">
      <CardHeading title="Found on this computer" />
      <Stack gap="sm">
        {folders.map((folder) => (
          <SuggestedFolderRow key={folder.id} folder={folder} />
        ))}
      </Stack>
    </Card>
  );
}

function SuggestedFolderRow({ folder }: { folder: SuggestedModelFolder }) {
  const addSuggestedFolder = useModelsStore(selectAddSuggestedFolder);
  const adding = useModelsStore(selectAdding);
  return (
    <Group justify="space-between" wrap="nowrap" gap="md" data-testid="suggested-folder" data-folder-id={folder.id}>
      <Stack gap={2} style={{ minWidth: 0 }}>
        <Group gap="xs">
          <Badge variant="light" tt="none">
            {APP_LABEL[folder.app]}
          </Badge>
          <Text size="sm" c="dimmed">
            {folder.ggufCount} GGUF {folder.ggufCount === 1 ? 'file' : 'files'}
          </Text>
        </Group>
        <Code style={{ overflowWrap: 'anywhere' }}>{folder.path}</Code>
      </Stack>
      {folder.watched ? (
        <Badge variant="dot" color="green" tt="none">
          Added
        </Badge>
      ) : (
        <Button size="xs" variant="default" disabled={adding} onClick={() => void addSuggestedFolder(folder.id).then(notifyAdded)} data-testid="suggested-folder-add">
          Add
        </Button>
      )}
    </Group>
  );
}
