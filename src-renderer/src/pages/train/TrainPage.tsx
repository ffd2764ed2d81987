/**
 * The Train page: the new-run wizard, and the live view of the run it follows (the one
 * started here, or one already active when the page opens).
 */
import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { selectMayAsk, useConnectionStore } from '../../store/connection';
import { selectLiveRunId, selectRuns, selectSetLiveRun, useRunsStore } from '../../store/runs';
import { isActiveRun } from '../../store/runs/run-list';
import { RunLiveView } from '../runs/live/RunLiveView';
import { useTrainPageData } from './useTrainPageData';
import { NewRunCard } from './wizard/NewRunCard';

export function TrainPage() {
  useTrainPageData();
  const mayAsk = useConnectionStore(selectMayAsk);
  const liveRunId = useRunsStore(selectLiveRunId);
  const setLiveRun = useRunsStore(selectSetLiveRun);
  const runs = useRunsStore(selectRuns);
  const [wizardOpen, setWizardOpen] = useState(false);

  // Opening the page while a run trains shows that run.
  const activeId = runs?.find(isActiveRun)?.id ?? null;
  useEffect(() => {
    if (liveRunId === null && activeId !== null) setLiveRun(activeId);
  }, [liveRunId, activeId, setLiveRun]);

  const showLive = liveRunId !== null && !wizardOpen;

  return (
    <Stack gap="lg" data-testid="page-train">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Train</Title>
          <Text c="dimmed" size="sm">
            Fine-tune a LoRA adapter on a base model with your dataset, and watch it learn.
          </Text>
        </div>
        {liveRunId !== null &&
          (showLive ? (
            <Button variant="default" onClick={() => setWizardOpen(true)} data-testid="train-new-run">
              New run…
            </Button>
          ) : (
            <Button variant="default" onClick={() => setWizardOpen(false)} data-testid="train-back-to-run">
              Back to the run
            </Button>
          ))}
      </Group>
      {mayAsk &&
        (showLive ? (
          <RunLiveView runId={liveRunId} />
        ) : (
          <NewRunCard
            onStarted={() => {
              setWizardOpen(false);
            }}
          />
        ))}
    </Stack>
  );
}
