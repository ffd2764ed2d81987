/**
 * "Download from Hugging Face": search GGUF repositories, pick a file with its size and
 * whether it runs and trains on this machine, and follow the downloads. Finished downloads
 * appear in the models table like any other file. When the Hub cannot be reached the card
 * says so; nothing else on the page depends on it.
 */
import { Alert, Card, CloseButton, Divider, Group, Stack, Text } from '@mantine/core';
import { CardHeading } from '../../../components/CardHeading';
import { selectModels, useModelsStore } from '../../../store/models';
import { selectHubActionError, selectHubDismissError, selectHubOffline, selectHubResults, useHubStore } from '../../../store/hub';
import { HubDownloads } from './HubDownloads';
import { HubFiles } from './HubFiles';
import { HubRecommendations, HubSearch } from './HubSearch';
import { HubTokenButton } from './HubTokenButton';
import { useHubData } from './useHubData';

export function HubCard() {
  useHubData();
  const offline = useHubStore(selectHubOffline);
  const error = useHubStore(selectHubActionError);
  const results = useHubStore(selectHubResults);
  const dismissError = useHubStore(selectHubDismissError);
  const models = useModelsStore(selectModels);
  // First run: with no models yet, small instruct models are offered before any search.
  const firstRun = models !== null && models.length === 0;
  const searchError = results.error && results.error.kind !== 'unavailable' ? results.error : null;
  return (
    <Card withBorder radius="md" padding="lg" data-testid="hub-card">
      <CardHeading title="Download from Hugging Face">
        <HubTokenButton />
      </CardHeading>
      <Stack gap="md">
        {offline && (
          <Alert color="yellow" title="Offline" data-testid="hub-offline">
            The Hugging Face Hub cannot be reached, so models cannot be searched or downloaded now. Your models, datasets, training and chat all keep working; downloads
            continue when the connection is back.
          </Alert>
        )}
        {(error ?? searchError) && !(offline && error?.kind === 'unavailable') && (
          <Alert color="red" data-testid="hub-error">
            <Group justify="space-between" wrap="nowrap" align="flex-start">
              <Text size="sm">{(error ?? searchError)?.message}</Text>
              {error && <CloseButton size="sm" onClick={dismissError} aria-label="Dismiss" />}
            </Group>
          </Alert>
        )}
        <HubDownloads />
        {firstRun && <HubRecommendations />}
        <HubFiles />
        <Divider />
        <HubSearch />
      </Stack>
    </Card>
  );
}
