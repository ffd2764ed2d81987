/**
 * Every run setting, grouped, each with its label and one-line help. Values shown are the
 * plan's (the preset's choices) unless the person changed them; changes go to the draft,
 * and the plan is asked again as they type.
 */
import { Accordion, Button, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import type { RunSettings } from '../../../../../src-main/contract';
import { selectChangeSettings, selectDraftOverrides, selectResetSettings, useRunsStore } from '../../../store/runs';
import { changeAt, isChanged, SETTING_GROUPS, settingValue } from './setting-fields';
import { SettingInput } from './SettingInput';

export function AdvancedSettings({ settings }: { settings: RunSettings | null }) {
  const overrides = useRunsStore(selectDraftOverrides);
  const changeSettings = useRunsStore(selectChangeSettings);
  const resetSettings = useRunsStore(selectResetSettings);
  const anyChanged = Object.keys(overrides).length > 0;

  return (
    <Accordion variant="contained" data-testid="train-advanced">
      <Accordion.Item value="advanced">
        <Accordion.Control data-testid="train-advanced-toggle">Advanced settings{anyChanged ? ' (changed)' : ''}</Accordion.Control>
        <Accordion.Panel>
          {settings === null ? (
            <Text size="sm" c="dimmed">
              Choose a model and a dataset first: the settings start from the preset for them.
            </Text>
          ) : (
            <Stack gap="lg">
              {SETTING_GROUPS.map((group) => (
                <Stack key={group.title} gap="xs">
                  <Text size="sm" fw={600}>
                    {group.title}
                  </Text>
                  <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md" verticalSpacing="md">
                    {group.fields.map((field) => (
                      <SettingInput
                        key={field.path}
                        field={field}
                        value={settingValue(settings, overrides, field.path)}
                        changed={isChanged(overrides, field.path)}
                        onChange={(value) => changeSettings(changeAt(field.path, value))}
                      />
                    ))}
                  </SimpleGrid>
                </Stack>
              ))}
              <Group justify="flex-end">
                <Button variant="default" disabled={!anyChanged} onClick={resetSettings} data-testid="train-reset-settings">
                  Back to the preset&apos;s settings
                </Button>
              </Group>
            </Stack>
          )}
        </Accordion.Panel>
      </Accordion.Item>
    </Accordion>
  );
}
