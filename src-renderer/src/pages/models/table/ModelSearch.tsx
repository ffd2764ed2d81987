/** The search box above the table; the table itself debounces what it filters by. */
import { CloseButton, TextInput } from '@mantine/core';
import { selectQuery, selectSetQuery, useModelsStore } from '../../../store/models';

export function ModelSearch() {
  const query = useModelsStore(selectQuery);
  const setQuery = useModelsStore(selectSetQuery);
  return (
    <TextInput
      value={query}
      onChange={(event) => setQuery(event.currentTarget.value)}
      onKeyDown={(event) => {
        if (event.key === 'Escape') setQuery('');
      }}
      placeholder="Search by name, architecture or path"
      aria-label="Search models"
      rightSection={query === '' ? null : <CloseButton size="sm" aria-label="Clear search" onClick={() => setQuery('')} />}
      data-testid="models-search"
      w={{ base: '100%', sm: 320 }}
    />
  );
}
