/** What the GGUF header says about the model itself. */
import { Text } from '@mantine/core';
import type { ModelFacts as Facts } from '../../../../../src-main/contract';
import { FactList, type Fact } from '../../../components/FactList';
import { formatBytes } from '../../../format/bytes';
import { formatFileType } from '../../../format/model';
import { formatCount } from '../../../format/numbers';
import { formatParameterCount } from '../../../format/parameters';

export function ModelFacts({ facts }: { facts: Facts }) {
  const list: Fact[] = [
    { label: 'Architecture', value: facts.architecture },
    {
      label: 'Parameters',
      value: (
        <>
          {formatParameterCount(facts.parameterCount)}{' '}
          <Text span size="sm" c="dimmed">
            ({formatCount(facts.parameterCount)})
          </Text>
        </>
      ),
    },
    { label: 'File type', value: facts.fileType === null ? '—' : `${formatFileType(facts.fileType)} (${facts.fileType})` },
    { label: 'Size', value: formatBytes(facts.fileSizeBytes) },
    { label: 'Context length', value: formatCount(facts.contextLength) },
    { label: 'Vocabulary', value: formatCount(facts.vocabSize) },
    { label: 'Embedding length', value: formatCount(facts.embeddingLength) },
    { label: 'Blocks', value: formatCount(facts.blockCount) },
  ];
  return <FactList facts={list} />;
}
