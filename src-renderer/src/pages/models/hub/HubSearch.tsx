/** Search the Hub's GGUF repositories; on first run (no models yet) small instruct models are offered first. */
import { Badge, Button, Group, Loader, Select, Stack, Text, TextInput } from '@mantine/core';
import { formatCount } from '../../../format/numbers';
import {
  selectHubOpenRepoAction,
  selectHubQuery,
  selectHubRecommended,
  selectHubResults,
  selectHubSearch,
  selectHubSetQuery,
  selectHubSetSort,
  selectHubSort,
  useHubStore,
  type HubSort,
} from '../../../store/hub';

const SORTS: { value: HubSort; label: string }[] = [
  { value: 'downloads', label: 'Most downloaded' },
  { value: 'likes', label: 'Most liked' },
  { value: 'recent', label: 'Recently updated' },
];

export function HubRecommendations() {
  const recommended = useHubStore(selectHubRecommended);
  const openRepo = useHubStore(selectHubOpenRepoAction);
  if (!recommended || recommended.length === 0) return null;
  return (
    <Stack gap={6} data-testid="hub-recommended">
      <Text size="sm" fw={500}>
        Good first models
      </Text>
      {recommended.map((r) => (
        <Group key={r.repo} justify="space-between" wrap="nowrap">
          <div style={{ minWidth: 0 }}>
            <Text size="sm">{r.title}</Text>
            <Text size="xs" c="dimmed">
              {r.description}
            </Text>
          </div>
          <Button size="xs" variant="default" onClick={() => void openRepo(r.repo)}>
            Files
          </Button>
        </Group>
      ))}
    </Stack>
  );
}

export function HubSearch() {
  const query = useHubStore(selectHubQuery);
  const sort = useHubStore(selectHubSort);
  const results = useHubStore(selectHubResults);
  const setQuery = useHubStore(selectHubSetQuery);
  const setSort = useHubStore(selectHubSetSort);
  const search = useHubStore(selectHubSearch);
  const openRepo = useHubStore(selectHubOpenRepoAction);
  return (
    <Stack gap="xs">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        <Group gap="xs" wrap="nowrap">
          <TextInput style={{ flex: 1 }} placeholder="Search GGUF models, e.g. qwen instruct" value={query} onChange={(e) => setQuery(e.currentTarget.value)} data-testid="hub-search" />
          <Select w={180} data={SORTS} value={sort} allowDeselect={false} onChange={(v) => v && setSort(v as HubSort)} aria-label="Sort by" />
          <Button type="submit" loading={results.loading} data-testid="hub-search-submit">
            Search
          </Button>
        </Group>
      </form>
      {results.loading && results.data === null && <Loader size="sm" />}
      {results.data && results.data.length === 0 && (
        <Text size="sm" c="dimmed">
          No GGUF repositories match.
        </Text>
      )}
      {results.data?.map((repo) => (
        <Group key={repo.id} justify="space-between" wrap="nowrap" data-testid="hub-repo" data-repo={repo.id}>
          <Group gap="xs" style={{ minWidth: 0 }} wrap="nowrap">
            <Text size="sm" truncate="end">
              {repo.id}
            </Text>
            {repo.gated && (
              <Badge size="xs" variant="light" color="yellow" tt="none">
                gated
              </Badge>
            )}
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
              {formatCount(repo.downloads)} downloads · {formatCount(repo.likes)} likes
            </Text>
            <Button size="xs" variant="default" onClick={() => void openRepo(repo.id)} data-testid="hub-repo-open">
              Files
            </Button>
          </Group>
        </Group>
      ))}
    </Stack>
  );
}
