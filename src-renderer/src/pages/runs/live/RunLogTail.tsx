/** The last lines of the runtime's log, newest at the bottom (kept in view as lines arrive). */
import { Code, ScrollArea, Stack, Text } from '@mantine/core';
import { useEffect, useRef } from 'react';

export function RunLogTail({ lines, title = 'Log' }: { lines: readonly string[]; title?: string }) {
  const viewport = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = viewport.current;
    if (element !== null) element.scrollTop = element.scrollHeight;
  }, [lines]);
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {title}
      </Text>
      <ScrollArea.Autosize mah={240} type="auto" viewportRef={viewport}>
        <Code block data-testid="run-log" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {lines.length === 0 ? 'Nothing logged yet.' : lines.join('\n')}
        </Code>
      </ScrollArea.Autosize>
    </Stack>
  );
}
