/** The advice of a Python report: prose as text, each command in a monospace block of its own. */
import { Code, Stack, Text } from '@mantine/core';
import { useMemo } from 'react';
import { splitAdvice } from './advice-parts';

export function AdviceText({ advice }: { advice: string }) {
  const blocks = useMemo(() => splitAdvice(advice), [advice]);
  return (
    <Stack gap={6} data-testid="python-advice">
      {blocks.map((block, i) =>
        block.kind === 'command' ? (
          <Code key={i} block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
            {block.text}
          </Code>
        ) : (
          <Text key={i} size="sm">
            {block.spans.map((span, j) => (span.code ? <Code key={j}>{span.text}</Code> : <span key={j}>{span.text}</span>))}
          </Text>
        ),
      )}
    </Stack>
  );
}
