/** What one export wrote: its files, the command to copy, the Modelfile, the merged check — or its progress or error. */
import { ActionIcon, Code, CopyButton, Group, Paper, Progress, Stack, Text, Tooltip } from '@mantine/core';
import type { ExportFormat } from '../../../../../src-main/contract';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { useExportState } from './useExportState';

export function ExportFormatResult({ runId, format, label }: { runId: string; format: ExportFormat; label: string }) {
  const { state } = useExportState(runId, format);
  if (state === null) return null;
  if (state.running) {
    return (
      <div data-testid={`export-progress-${format}`}>
        <Text size="xs" c="dimmed">
          {label}: {state.progress?.phase ?? 'starting'}…
        </Text>
        <Progress value={(state.progress?.fraction ?? 0) * 100} animated size="sm" />
      </div>
    );
  }
  if (state.error !== null) return <ErrorNotice title={`${label}: that did not work`} error={state.error} />;
  const result = state.result;
  if (result === null) return null;

  return (
    <Paper withBorder radius="sm" p="sm" data-testid={`export-result-${format}`}>
      <Stack gap={6}>
        <Text size="sm" fw={500}>
          {label}
        </Text>
        <Stack gap={2} data-testid="export-files">
          {result.files.map((file) => (
            <Code key={file} style={{ overflowWrap: 'anywhere' }}>
              {file}
            </Code>
          ))}
        </Stack>
        {result.command !== null && (
          <Group gap="xs" wrap="nowrap" align="flex-start">
            <Code block style={{ flex: 1, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} data-testid="export-command">
              {result.command}
            </Code>
            <CopyButton value={result.command}>
              {({ copied, copy }) => (
                <Tooltip label={copied ? 'Copied' : 'Copy the command'}>
                  <ActionIcon variant="light" onClick={copy} aria-label="Copy the command" data-testid="export-copy-command">
                    {copied ? '✓' : '⧉'}
                  </ActionIcon>
                </Tooltip>
              )}
            </CopyButton>
          </Group>
        )}
        {result.text !== null && (
          <Code block style={{ whiteSpace: 'pre-wrap' }} data-testid="export-text">
            {result.text}
          </Code>
        )}
        {result.check !== null && (
          <Text size="xs" data-testid="export-check">
            Checked: its logits differ from base + adapter by at most {result.check.maxAbsDiff.toExponential(2)} on “{result.check.prompt}”.
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
