/** One example as the model sees it: the template's text, with the parts the loss trains on highlighted. */
import { Box, Group, Text } from '@mantine/core';
import type { RenderedExample } from '../../../../../src-main/contract';
import { formatInteger } from '../../../format/dataset';

export function RenderedExampleView({ example }: { example: RenderedExample }) {
  return (
    <Box data-testid="dataset-rendered-example">
      <Group gap="xs" mb={4}>
        <Text size="xs" c="dimmed">
          Line {example.line} · {formatInteger(example.tokens)} tokens
        </Text>
      </Group>
      <Box
        component="pre"
        m={0}
        p="sm"
        fz="xs"
        ff="monospace"
        style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', background: 'var(--mantine-color-default-hover)', borderRadius: 'var(--mantine-radius-sm)' }}
      >
        {example.spans.map((span, i) =>
          span.trained ? (
            <mark key={i} data-trained="true" style={{ background: 'var(--mantine-color-teal-light)', color: 'inherit', borderRadius: 2 }}>
              {span.text}
            </mark>
          ) : (
            <span key={i} style={{ opacity: 0.75 }}>
              {span.text}
            </span>
          ),
        )}
      </Box>
    </Box>
  );
}
