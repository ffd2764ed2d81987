/**
 * The system prompt and sampling settings of the open conversation, folded away until
 * wanted. Each change is saved with the conversation, so the next turn uses it.
 */
import { Accordion, NumberInput, SimpleGrid, Stack, Switch, Textarea } from '@mantine/core';
import { useState } from 'react';
import type { SamplingSettings } from '../../../../../src-main/contract';
import type { ConversationChange } from '../../../client/playground-client';

interface SamplingPanelProps {
  systemPrompt: string;
  sampling: SamplingSettings;
  disabled: boolean;
  onChange(change: ConversationChange): void;
}

type NumberKey = Exclude<keyof SamplingSettings, 'seed'>;

const FIELDS: readonly { key: NumberKey; label: string; min: number; max: number; step: number; integer?: boolean }[] = [
  { key: 'temperature', label: 'Temperature', min: 0, max: 5, step: 0.05 },
  { key: 'topP', label: 'Top-p', min: 0, max: 1, step: 0.01 },
  { key: 'topK', label: 'Top-k', min: 0, max: 1000, step: 1, integer: true },
  { key: 'minP', label: 'Min-p', min: 0, max: 1, step: 0.01 },
  { key: 'repeatPenalty', label: 'Repeat penalty', min: 0.5, max: 3, step: 0.05 },
  { key: 'maxTokens', label: 'Max tokens', min: 1, max: 32_768, step: 16, integer: true },
];

export function SamplingPanel({ systemPrompt, sampling, disabled, onChange }: SamplingPanelProps) {
  // The prompt being typed; saved when the field is left.
  const [draft, setDraft] = useState<string | null>(null);

  const setNumber = (key: NumberKey, value: string | number, field: (typeof FIELDS)[number]) => {
    const n = typeof value === 'number' ? value : Number(value);
    if (value === '' || !Number.isFinite(n) || n < field.min || n > field.max || (field.integer === true && !Number.isInteger(n))) return;
    if (n !== sampling[key]) onChange({ sampling: { [key]: n } });
  };

  return (
    <Accordion variant="contained" data-testid="chat-settings">
      <Accordion.Item value="settings">
        <Accordion.Control data-testid="chat-settings-toggle">System prompt and sampling</Accordion.Control>
        <Accordion.Panel>
          <Stack gap="sm">
            <Textarea
              label="System prompt"
              autosize
              minRows={2}
              maxRows={8}
              value={draft ?? systemPrompt}
              disabled={disabled}
              onChange={(event) => setDraft(event.currentTarget.value)}
              onBlur={() => {
                if (draft !== null && draft !== systemPrompt) onChange({ systemPrompt: draft });
                setDraft(null);
              }}
              data-testid="chat-system-prompt"
            />
            <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
              {FIELDS.map((field) => (
                <NumberInput
                  key={field.key}
                  label={field.label}
                  min={field.min}
                  max={field.max}
                  step={field.step}
                  allowDecimal={field.integer !== true}
                  value={sampling[field.key]}
                  disabled={disabled}
                  onChange={(value) => setNumber(field.key, value, field)}
                  data-testid={`sampling-${field.key}`}
                />
              ))}
              <SeedInput seed={sampling.seed} disabled={disabled} onChange={(seed) => onChange({ sampling: { seed } })} />
            </SimpleGrid>
          </Stack>
        </Accordion.Panel>
      </Accordion.Item>
    </Accordion>
  );
}

/** A fixed seed repeats an answer exactly; off, each answer draws a new one. */
function SeedInput({ seed, disabled, onChange }: { seed: number | null; disabled: boolean; onChange(seed: number | null): void }) {
  return (
    <Stack gap={4}>
      <Switch label="Fixed seed" checked={seed !== null} disabled={disabled} onChange={(event) => onChange(event.currentTarget.checked ? 0 : null)} data-testid="sampling-seed-fixed" />
      {seed !== null && (
        <NumberInput
          aria-label="Seed"
          min={0}
          max={2 ** 31}
          allowDecimal={false}
          value={seed}
          disabled={disabled}
          onChange={(value) => typeof value === 'number' && Number.isInteger(value) && value >= 0 && value !== seed && onChange(value)}
          data-testid="sampling-seed"
        />
      )}
    </Stack>
  );
}
