/** The drawer's buttons: show the file in the system's file manager (desktop only) and remove the model. */
import { Button, Group } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ModelEntry } from '../../../../../src-main/contract';
import { selectTransport, useConnectionStore } from '../../../store/connection';
import { selectRevealModel, useModelsStore } from '../../../store/models';
import { DeleteModelModal } from './DeleteModelModal';

export function ModelActions({ model }: { model: ModelEntry }) {
  // A browser may be on another machine than the files: there is no folder of its own to open.
  const desktop = useConnectionStore(selectTransport) === 'electron';
  const revealModel = useModelsStore(selectRevealModel);
  const [confirming, confirm] = useDisclosure(false);
  return (
    <Group justify="space-between">
      {desktop ? (
        <Button variant="default" disabled={model.status === 'missing'} onClick={() => void revealModel(model.id)} data-testid="model-reveal">
          Reveal in folder
        </Button>
      ) : (
        <span />
      )}
      <Button color="red" variant="light" onClick={confirm.open} data-testid="model-delete">
        Delete…
      </Button>
      <DeleteModelModal model={model} opened={confirming} onClose={confirm.close} />
    </Group>
  );
}
