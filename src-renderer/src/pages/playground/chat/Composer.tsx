/**
 * Where the next message is written. Enter sends, Shift+Enter starts a new line, Escape
 * stops the answers streaming (from anywhere on the page); regenerate answers the last
 * message again.
 */
import { Button, Group, Textarea } from '@mantine/core';
import { useWindowEvent } from '@mantine/hooks';
import { useState } from 'react';

interface ComposerProps {
  streaming: boolean;
  canRegenerate: boolean;
  onSend(content: string): void;
  onStop(): void;
  onRegenerate(): void;
}

export function Composer({ streaming, canRegenerate, onSend, onStop, onRegenerate }: ComposerProps) {
  const [text, setText] = useState('');
  useWindowEvent('keydown', (event) => {
    if (event.key === 'Escape' && streaming) onStop();
  });

  const send = () => {
    if (streaming || text.trim() === '') return;
    onSend(text);
    setText('');
  };

  return (
    <Group align="flex-end" gap="sm" wrap="nowrap">
      <Textarea
        aria-label="Message"
        placeholder="Message (Enter sends, Shift+Enter for a new line)"
        autosize
        minRows={1}
        maxRows={8}
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
            event.preventDefault();
            send();
          }
        }}
        style={{ flex: 1 }}
        data-testid="chat-input"
      />
      {streaming ? (
        <Button color="red" variant="light" onClick={onStop} data-testid="chat-stop">
          Stop
        </Button>
      ) : (
        <>
          <Button variant="default" onClick={onRegenerate} disabled={!canRegenerate} data-testid="chat-regenerate">
            Regenerate
          </Button>
          <Button onClick={send} disabled={text.trim() === ''} data-testid="chat-send">
            Send
          </Button>
        </>
      )}
    </Group>
  );
}
