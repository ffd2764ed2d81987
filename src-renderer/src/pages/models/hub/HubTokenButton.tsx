/** The access token for gated repositories: set or remove it, and where it is kept. */
import { Button, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { selectHubSetToken, selectHubToken, useHubStore } from '../../../store/hub';

export function HubTokenButton() {
  const token = useHubStore(selectHubToken);
  const setToken = useHubStore(selectHubSetToken);
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState('');
  const save = async (next: string | null) => {
    if (await setToken(next)) {
      setValue('');
      setOpen(false);
    }
  };
  return (
    <>
      <Button size="xs" variant="default" onClick={() => setOpen(true)} data-testid="hub-token-open">
        {token?.set ? 'Access token: set' : 'Access token…'}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title="Hugging Face access token">
        <Stack gap="sm">
          <Text size="sm">Gated and private repositories need a token (read access is enough) from huggingface.co/settings/tokens.</Text>
          {token && (
            <Text size="xs" c="dimmed" data-testid="hub-token-note">
              {token.note}
            </Text>
          )}
          <PasswordInput label="Token" placeholder="hf_…" value={value} onChange={(e) => setValue(e.currentTarget.value)} data-testid="hub-token-input" />
          <Group justify="flex-end">
            {token?.set && (
              <Button variant="subtle" color="red" onClick={() => void save(null)}>
                Remove
              </Button>
            )}
            <Button disabled={value.trim() === ''} onClick={() => void save(value.trim())} data-testid="hub-token-save">
              Save
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
