/** One advanced setting: its label and one-line help (RUN_SETTING_HELP) and the input that fits its kind. */
import { Chip, Group, NumberInput, Select, Stack, Switch, Text } from '@mantine/core';
import { RUN_SETTING_HELP } from '../../../../../src-main/contract';
import { LORA_TARGETS, type SettingField } from './setting-fields';

interface SettingInputProps {
  field: SettingField;
  value: unknown;
  changed: boolean;
  onChange(value: unknown): void;
}

export function SettingInput({ field, value, changed, onChange }: SettingInputProps) {
  const help = RUN_SETTING_HELP[field.path];
  const label = `${help?.label ?? field.path}${changed ? ' •' : ''}`;
  const description = help?.help;
  const testId = `setting-${field.path.replace('.', '-')}`;

  switch (field.kind) {
    case 'integer':
    case 'number':
      return (
        <NumberInput
          label={label}
          description={description}
          value={typeof value === 'number' ? value : ''}
          placeholder={field.nullable === true ? 'not set' : undefined}
          onChange={(next) => {
            if (next === '' && field.nullable === true) onChange(null);
            else if (typeof next === 'number' && Number.isFinite(next)) onChange(next);
          }}
          min={field.min}
          max={field.max}
          step={field.step ?? 1}
          allowDecimal={field.kind === 'number'}
          decimalScale={field.kind === 'number' ? 8 : undefined}
          data-testid={testId}
        />
      );
    case 'switch':
      return (
        <Stack gap={2}>
          <Switch label={label} checked={value === true} onChange={(event) => onChange(event.currentTarget.checked)} data-testid={testId} />
          {description !== undefined && (
            <Text size="xs" c="dimmed">
              {description}
            </Text>
          )}
        </Stack>
      );
    case 'choice':
      return (
        <Select
          label={label}
          description={description}
          data={field.options.map((option) => ({ value: option, label: option }))}
          value={typeof value === 'string' ? value : null}
          onChange={(next) => next !== null && onChange(next)}
          allowDeselect={false}
          data-testid={testId}
        />
      );
    case 'device': {
      // A list rather than free text: the contract accepts only these forms, and a half-typed "cu" would be refused.
      const current = typeof value === 'string' ? value : 'auto';
      const options = [...new Set(['auto', 'cpu', 'cuda', 'cuda:0', 'cuda:1', 'mps', current])];
      return (
        <Select
          label={label}
          description={description}
          data={options.map((option) => ({ value: option, label: option }))}
          value={current}
          onChange={(next) => next !== null && onChange(next)}
          allowDeselect={false}
          data-testid={testId}
        />
      );
    }
    case 'targets': {
      const chosen = Array.isArray(value) ? (value as string[]) : [];
      return (
        <Stack gap={4}>
          <Text size="sm" fw={500} id={`${testId}-label`}>
            {label}
          </Text>
          {description !== undefined && (
            <Text size="xs" c="dimmed">
              {description}
            </Text>
          )}
          <Chip.Group multiple value={chosen} onChange={(next) => next.length > 0 && onChange(LORA_TARGETS.filter((t) => next.includes(t)))}>
            <Group gap={6} role="group" aria-labelledby={`${testId}-label`} data-testid={testId}>
              {LORA_TARGETS.map((target) => (
                <Chip key={target} value={target} size="xs">
                  {target}
                </Chip>
              ))}
            </Group>
          </Chip.Group>
        </Stack>
      );
    }
  }
}
