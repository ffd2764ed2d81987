/** Where the file is, how it came, whether Lathe owns it, and its SHA-256. */
import { Code, Text } from '@mantine/core';
import type { ModelEntry } from '../../../../../src-main/contract';
import { FactList, type Fact } from '../../../components/FactList';
import { ORIGIN_LABEL } from '../../../format/model';
import { HashControl } from './HashControl';

export function ModelFileFacts({ model }: { model: ModelEntry }) {
  const facts: Fact[] = [
    { label: 'Path', value: <Code data-testid="model-path">{model.path}</Code> },
    { label: 'Origin', value: ORIGIN_LABEL[model.origin] },
    {
      label: 'Kept by',
      value: (
        <Text span size="sm" data-testid="model-owned" data-owned={model.owned}>
          {model.owned ? "Lathe (in its data folder): removing the model deletes the file" : 'You: Lathe reads the file where it is'}
        </Text>
      ),
    },
    { label: 'Added', value: new Date(model.addedAt).toLocaleString() },
    { label: 'SHA-256', value: <HashControl model={model} /> },
  ];
  return <FactList facts={facts} />;
}
