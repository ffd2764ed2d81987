/**
 * The validation report: how many rows are usable, and every bad row's line and reason (the
 * first ones here, all of them in the downloadable report, built in the page from
 * `datasets.problems`).
 */
import { Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { DatasetEntry } from '../../../../../src-main/contract';
import { formatInteger } from '../../../format/dataset';
import { selectFetchProblems, useDatasetsStore } from '../../../store/datasets';
import { problemsAsCsv, problemsAsJsonl, reportFileName, reportMimeType, type ReportFormat } from '../../../store/datasets/problem-report';
import { downloadText } from './download-text';

export function ValidationReport({ dataset }: { dataset: DatasetEntry }) {
  const fetchProblems = useDatasetsStore(selectFetchProblems);
  const [downloading, setDownloading] = useState<ReportFormat | null>(null);
  const inspection = dataset.inspection;
  if (inspection === null) return null;
  const shown = inspection.problems;

  const download = async (format: ReportFormat) => {
    setDownloading(format);
    const problems = await fetchProblems(dataset.id);
    setDownloading(null);
    if (problems === null) return;
    downloadText(reportFileName(dataset.name, format), format === 'csv' ? problemsAsCsv(problems) : problemsAsJsonl(problems), reportMimeType(format));
  };

  return (
    <Stack gap="sm" data-testid="dataset-report">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={4} size="h5">
            Validation
          </Title>
          <Text size="sm" c={inspection.invalid > 0 ? undefined : 'dimmed'} data-testid="dataset-report-counts">
            {formatInteger(inspection.valid)} of {formatInteger(inspection.rows)} rows are usable
            {inspection.invalid > 0 ? `; ${formatInteger(inspection.invalid)} ${inspection.invalid === 1 ? 'has a problem and is' : 'have problems and are'} left out.` : '.'}
          </Text>
        </div>
        {inspection.invalid > 0 && (
          <Group gap="xs">
            <Button size="xs" variant="default" loading={downloading === 'jsonl'} onClick={() => void download('jsonl')} data-testid="dataset-report-jsonl">
              Download report (JSONL)
            </Button>
            <Button size="xs" variant="default" loading={downloading === 'csv'} onClick={() => void download('csv')} data-testid="dataset-report-csv">
              CSV
            </Button>
          </Group>
        )}
      </Group>
      {shown.length > 0 && (
        <Table.ScrollContainer minWidth={500} maxHeight={320}>
          <Table data-testid="dataset-problems" stickyHeader verticalSpacing={4} striped tabularNums>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={90}>Line</Table.Th>
                <Table.Th>Problem</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((problem, i) => (
                <Table.Tr key={`${problem.line}:${i}`}>
                  <Table.Td data-testid="dataset-problem-line" style={{ verticalAlign: 'top' }}>
                    {problem.line}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                      {problem.reason}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {inspection.invalid > shown.length && (
        <Text size="xs" c="dimmed">
          The first {formatInteger(shown.length)} are shown; the downloaded report lists every one.
        </Text>
      )}
    </Stack>
  );
}
