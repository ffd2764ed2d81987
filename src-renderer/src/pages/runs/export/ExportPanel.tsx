/**
 * Exports of a finished run: the GGUF adapter, an Ollama Modelfile, the llama-server command
 * line, and a merged GGUF (the adapter folded into the base, checked against base + adapter).
 * Each shows what it wrote and the command to run next.
 */
import { Button, Group, Stack, Text } from '@mantine/core';
import type { ExportFormat } from '../../../../../src-main/contract';
import { useLiveData } from '../../../shell/useLiveData';
import { selectStartExportEvents, selectStopExportEvents, usePlaygroundStore } from '../../../store/playground';
import { ExportFormatResult } from './ExportFormatResult';
import { useExportState } from './useExportState';

const FORMATS: readonly { format: ExportFormat; label: string }[] = [
  { format: 'adapter', label: 'GGUF adapter' },
  { format: 'ollama', label: 'Ollama Modelfile' },
  { format: 'llama-server', label: 'llama-server command' },
  { format: 'merged', label: 'Merged GGUF' },
];

const NOTHING_TO_LOAD = () => undefined;

export function ExportPanel({ runId }: { runId: string }) {
  useLiveData(usePlaygroundStore(selectStartExportEvents), usePlaygroundStore(selectStopExportEvents), NOTHING_TO_LOAD);
  return (
    <Stack gap="sm" data-testid="export-panel">
      <Text size="sm" fw={600}>
        Export
      </Text>
      <Group gap="xs">
        {FORMATS.map(({ format, label }) => (
          <ExportButton key={format} runId={runId} format={format} label={label} />
        ))}
      </Group>
      {FORMATS.map(({ format, label }) => (
        <ExportFormatResult key={format} runId={runId} format={format} label={label} />
      ))}
    </Stack>
  );
}

function ExportButton({ runId, format, label }: { runId: string; format: ExportFormat; label: string }) {
  const { state, exportRun } = useExportState(runId, format);
  return (
    <Button size="xs" variant="default" loading={state?.running === true} onClick={() => void exportRun(runId, format)} data-testid={`export-${format}`}>
      {label}
    </Button>
  );
}
