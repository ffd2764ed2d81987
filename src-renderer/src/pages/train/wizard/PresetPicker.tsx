/** Quick, Balanced or Thorough, with the plan's reasons for what the preset chose. */
import { List, SegmentedControl, Stack, Text } from '@mantine/core';
import { RUN_PRESETS, type RunPreset } from '../../../../../src-main/contract';
import { selectDraftPreset, selectPlan, selectSetDraft, useRunsStore } from '../../../store/runs';

const LABEL: Record<RunPreset, string> = { quick: 'Quick', balanced: 'Balanced', thorough: 'Thorough' };

export function PresetPicker() {
  const preset = useRunsStore(selectDraftPreset);
  const setDraft = useRunsStore(selectSetDraft);
  const plan = useRunsStore(selectPlan);
  const reasons = plan !== null && plan.preset === preset ? plan.presetReasons : [];
  return (
    <Stack gap={6}>
      <Text size="sm" fw={500} id="train-preset-label">
        Preset
      </Text>
      <SegmentedControl
        aria-labelledby="train-preset-label"
        value={preset}
        onChange={(value) => setDraft({ preset: value as RunPreset })}
        data={RUN_PRESETS.map((p) => ({ value: p, label: LABEL[p] }))}
        data-testid="train-preset"
        maw={420}
      />
      {reasons.length > 0 && (
        <List size="xs" c="dimmed" spacing={2} data-testid="train-preset-reasons">
          {reasons.map((reason) => (
            <List.Item key={reason}>{reason}</List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}
