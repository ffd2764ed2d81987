/** The model's own chat template (Jinja), which training and chat both render with. */
import { Code, ScrollArea, Text } from '@mantine/core';

export function ChatTemplate({ template }: { template: string | null }) {
  if (template === null || template === '') {
    return (
      <Text size="sm" c="dimmed" data-testid="model-chat-template">
        The file has no chat template.
      </Text>
    );
  }
  return (
    <ScrollArea.Autosize mah={260} type="auto" offsetScrollbars>
      <Code block data-testid="model-chat-template" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
        {template}
      </Code>
    </ScrollArea.Autosize>
  );
}
