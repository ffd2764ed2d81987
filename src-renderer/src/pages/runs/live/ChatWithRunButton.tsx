/** Opens the Playground on a finished run: its model, with the base and the run's adapter side by side. */
import { Button } from '@mantine/core';
import type { RunEntry } from '../../../../../src-main/contract';
import { selectRequestPage, usePageRequestStore } from '../../../shell/page-request';
import { selectChatWithRun, usePlaygroundStore } from '../../../store/playground';

export function ChatWithRunButton({ run }: { run: RunEntry }) {
  const chatWithRun = usePlaygroundStore(selectChatWithRun);
  const requestPage = usePageRequestStore(selectRequestPage);
  return (
    <Button
      variant="light"
      onClick={() => {
        chatWithRun(run);
        requestPage('playground');
      }}
      data-testid="run-chat"
    >
      Chat with this run
    </Button>
  );
}
