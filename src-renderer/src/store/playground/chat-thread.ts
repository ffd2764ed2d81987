/**
 * A conversation as the Playground lays it out: one row per user message, with the answers
 * of every pane to it side by side (a comparison keeps one answer per pane per turn).
 */
import type { ConversationMessage } from '../../../../src-main/contract';

export interface ThreadAnswer {
  message: ConversationMessage;
  /** Its index in the conversation's messages. */
  index: number;
}

export interface ThreadRow {
  /** The user message's index (the one edit-and-resend replaces), or null for answers before any. */
  userIndex: number | null;
  user: string | null;
  /** By pane index; a pane that has not answered has no entry. */
  answers: Record<number, ThreadAnswer>;
}

export function threadRows(messages: readonly ConversationMessage[]): ThreadRow[] {
  const rows: ThreadRow[] = [];
  messages.forEach((message, index) => {
    if (message.role === 'system') return;
    if (message.role === 'user') {
      rows.push({ userIndex: index, user: message.content, answers: {} });
      return;
    }
    let row = rows.at(-1);
    if (row === undefined) {
      row = { userIndex: null, user: null, answers: {} };
      rows.push(row);
    }
    row.answers[message.paneIndex ?? 0] = { message, index };
  });
  return rows;
}
