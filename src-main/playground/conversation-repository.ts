/**
 * The catalog's side of the Playground: the `conversations` rows and their messages
 * (migration 6). Only this file writes SQL for them. A conversation's messages are ordered by
 * `seq`; a comparison's answers to one question follow it, one per pane.
 */
import type Database from 'better-sqlite3';
import type { ChatPane, ChatStats, Conversation, ConversationMessage, ConversationSummary, SamplingSettings } from '../contract';

interface ConversationRow {
  id: string;
  title: string;
  model_id: string;
  panes_json: string;
  system_prompt: string;
  sampling_json: string;
  created_at: number;
  updated_at: number;
  message_count: number;
}

interface MessageRow {
  seq: number;
  role: ConversationMessage['role'];
  content: string;
  pane_index: number | null;
  stats_json: string | null;
  created_at: number;
}

/** A message as stored, with its place in the conversation. */
export interface StoredMessage extends ConversationMessage {
  seq: number;
}

export type NewConversation = Omit<Conversation, 'messages'>;

const COLUMNS = `id, title, model_id, panes_json, system_prompt, sampling_json, created_at, updated_at,
  (SELECT count(*) FROM conversation_messages WHERE conversation_id = id) AS message_count`;

export class ConversationRepository {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      all: db.prepare<[], ConversationRow>(`SELECT ${COLUMNS} FROM conversations ORDER BY updated_at DESC, id`),
      byId: db.prepare<[string], ConversationRow>(`SELECT ${COLUMNS} FROM conversations WHERE id = ?`),
      messages: db.prepare<[string], MessageRow>('SELECT seq, role, content, pane_index, stats_json, created_at FROM conversation_messages WHERE conversation_id = ? ORDER BY seq'),
      insert: db.prepare(
        `INSERT INTO conversations (id, title, model_id, panes_json, system_prompt, sampling_json, created_at, updated_at)
         VALUES (@id, @title, @modelId, @panesJson, @systemPrompt, @samplingJson, @createdAt, @updatedAt)`,
      ),
      update: db.prepare(
        `UPDATE conversations SET title = @title, panes_json = @panesJson, system_prompt = @systemPrompt, sampling_json = @samplingJson, updated_at = @updatedAt
         WHERE id = @id`,
      ),
      touch: db.prepare('UPDATE conversations SET updated_at = @updatedAt WHERE id = @id'),
      remove: db.prepare('DELETE FROM conversations WHERE id = ?'),
      insertMessage: db.prepare(
        `INSERT OR REPLACE INTO conversation_messages (conversation_id, seq, role, content, pane_index, stats_json, created_at)
         VALUES (@conversationId, @seq, @role, @content, @paneIndex, @statsJson, @createdAt)`,
      ),
      removeFrom: db.prepare('DELETE FROM conversation_messages WHERE conversation_id = ? AND seq >= ?'),
    };
  }

  list(): ConversationSummary[] {
    return this.statements.all.all().map((row) => ({ ...header(row), messageCount: row.message_count }));
  }

  /** The conversation with its messages, or null. */
  get(id: string): Conversation | null {
    const row = this.statements.byId.get(id);
    return row ? { ...header(row), systemPrompt: row.system_prompt, sampling: JSON.parse(row.sampling_json) as SamplingSettings, messages: this.messages(id) } : null;
  }

  /** Messages in order with their `seq` (the conversation's own order, gaps allowed). */
  storedMessages(id: string): StoredMessage[] {
    return this.statements.messages.all(id).map((row) => ({ seq: row.seq, ...message(row) }));
  }

  insert(conversation: NewConversation): void {
    this.statements.insert.run({
      id: conversation.id,
      title: conversation.title,
      modelId: conversation.modelId,
      panesJson: JSON.stringify(conversation.panes),
      systemPrompt: conversation.systemPrompt,
      samplingJson: JSON.stringify(conversation.sampling),
      createdAt: conversation.createdAt,
      updatedAt: conversation.updatedAt,
    });
  }

  update(conversation: Pick<Conversation, 'id' | 'title' | 'panes' | 'systemPrompt' | 'sampling' | 'updatedAt'>): void {
    this.statements.update.run({
      id: conversation.id,
      title: conversation.title,
      panesJson: JSON.stringify(conversation.panes),
      systemPrompt: conversation.systemPrompt,
      samplingJson: JSON.stringify(conversation.sampling),
      updatedAt: conversation.updatedAt,
    });
  }

  remove(id: string): boolean {
    return this.statements.remove.run(id).changes > 0;
  }

  /** Drops the messages from `seq` on and writes `messages` (each at its own seq), in one transaction. */
  replaceFrom(conversationId: string, seq: number, messages: StoredMessage[], updatedAt: number): void {
    this.db.transaction(() => {
      this.statements.removeFrom.run(conversationId, seq);
      for (const stored of messages) this.putMessage(conversationId, stored);
      this.statements.touch.run({ id: conversationId, updatedAt });
    })();
  }

  /** Writes one message at its seq (an answer as it finishes). */
  saveMessage(conversationId: string, stored: StoredMessage, updatedAt: number): void {
    this.db.transaction(() => {
      this.putMessage(conversationId, stored);
      this.statements.touch.run({ id: conversationId, updatedAt });
    })();
  }

  private putMessage(conversationId: string, stored: StoredMessage): void {
    this.statements.insertMessage.run({
      conversationId,
      seq: stored.seq,
      role: stored.role,
      content: stored.content,
      paneIndex: stored.paneIndex,
      statsJson: stored.stats ? JSON.stringify(stored.stats) : null,
      createdAt: stored.createdAt,
    });
  }

  private messages(id: string): ConversationMessage[] {
    return this.statements.messages.all(id).map(message);
  }
}

function header(row: ConversationRow) {
  return { id: row.id, title: row.title, modelId: row.model_id, panes: JSON.parse(row.panes_json) as ChatPane[], createdAt: row.created_at, updatedAt: row.updated_at };
}

function message(row: MessageRow): ConversationMessage {
  return { role: row.role, content: row.content, paneIndex: row.pane_index, stats: row.stats_json ? (JSON.parse(row.stats_json) as ChatStats) : null, createdAt: row.created_at };
}
