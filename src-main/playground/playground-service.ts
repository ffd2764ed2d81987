/**
 * The Playground: conversations kept in the catalog, and chat turns answered through the
 * inference worker by every pane at once (the base model and adapters side by side). A turn
 * changes the saved history first (send, edit and resend, regenerate), then streams each
 * pane's answer and saves it as it finishes, with its time to first token and rate. Problems
 * that belong to one pane (an adapter for another base, a run removed) fail that pane alone;
 * a missing model file or a dead worker fails every pane still answering, and the next turn
 * starts afresh.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  LatheError,
  type AdapterOption,
  type ChatEvent,
  type ChatPane,
  type ChatRequest,
  type ChatStats,
  type Conversation,
  type ConversationSummary,
  type ModelEntry,
  type RunEntry,
  type SamplingSettings,
  type Unsubscribe,
} from '../contract';
import type { ChatTurnListener } from '../inference/inference-service';
import type { ChatPaneResult, ChatTurnRequest } from '../inference/worker-protocol';
import { adapterOptions, adapterPathFor } from './adapter-options';
import { ConversationRepository, type StoredMessage } from './conversation-repository';
import { DEFAULT_SAMPLING, paneMessages, planTurn } from './turn-plan';

export interface PlaygroundServiceDeps {
  repo: ConversationRepository;
  models: { get: (id: string) => ModelEntry };
  runs: { list: () => RunEntry[] };
  inference: { chat: (request: ChatTurnRequest, listener: ChatTurnListener, signal?: AbortSignal) => Promise<void> };
  now?: () => number;
  newId?: () => string;
}

const UNTITLED = 'New conversation';
const TITLE_LENGTH = 60;

export interface ConversationDraft {
  modelId: string;
  panes: ChatPane[];
  systemPrompt: string;
  sampling: Partial<SamplingSettings>;
}

export type ConversationChange = { id: string; title?: string; panes?: ChatPane[]; systemPrompt?: string; sampling?: Partial<SamplingSettings> };

export class PlaygroundService {
  private readonly now: () => number;
  private readonly newId: () => string;

  constructor(private readonly deps: PlaygroundServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.newId = deps.newId ?? randomUUID;
  }

  conversations(): ConversationSummary[] {
    return this.deps.repo.list();
  }

  conversation(id: string): Conversation {
    const found = this.deps.repo.get(id);
    if (!found) throw new LatheError('not_found', 'That conversation is no longer there.');
    return found;
  }

  createConversation(draft: ConversationDraft): Conversation {
    this.deps.models.get(draft.modelId); // not_found when the model is not in the library
    const now = this.now();
    const id = this.newId();
    this.deps.repo.insert({
      id,
      title: UNTITLED,
      modelId: draft.modelId,
      panes: draft.panes,
      systemPrompt: draft.systemPrompt,
      sampling: { ...DEFAULT_SAMPLING, ...draft.sampling },
      createdAt: now,
      updatedAt: now,
    });
    return this.conversation(id);
  }

  updateConversation(change: ConversationChange): Conversation {
    const current = this.conversation(change.id);
    this.deps.repo.update({
      id: current.id,
      title: change.title ?? current.title,
      panes: change.panes ?? current.panes,
      systemPrompt: change.systemPrompt ?? current.systemPrompt,
      sampling: { ...current.sampling, ...change.sampling },
      updatedAt: this.now(),
    });
    return this.conversation(change.id);
  }

  removeConversation(id: string): { removed: boolean } {
    return { removed: this.deps.repo.remove(id) };
  }

  adapters(modelId: string): AdapterOption[] {
    return adapterOptions(this.deps.runs.list(), modelId);
  }

  /**
   * Starts a turn: the history change is checked and saved before this resolves (a bad
   * request rejects and changes nothing); the answers then stream to `emit`. The returned
   * function stops generation at once; what was generated so far is saved as stopped.
   */
  async chat(request: ChatRequest, emit: (event: ChatEvent) => void): Promise<Unsubscribe> {
    const conversation = this.conversation(request.conversationId);
    const stored = this.deps.repo.storedMessages(conversation.id);
    const now = this.now();
    const plan = planTurn(stored, request, now);
    this.deps.repo.replaceFrom(conversation.id, plan.fromSeq, plan.user ? [plan.user] : [], now);
    if (plan.user && conversation.title === UNTITLED && !stored.some((message) => message.role === 'user')) {
      this.deps.repo.update({ ...conversation, title: titleFrom(plan.user.content), updatedAt: now });
    }
    const stop = new AbortController();
    const turn = new ChatTurn(this.deps, conversation, plan.history, plan.answerSeq, emit, stop.signal, this.now);
    void turn.run();
    return () => stop.abort();
  }
}

/** One turn's panes as they stream: text so far, first-token times, what was already settled. */
class ChatTurn {
  private readonly started: number;
  private readonly texts: string[];
  private readonly firstTokenAt: (number | null)[];
  private readonly settled: boolean[];
  private readonly messageBase: number;

  constructor(
    private readonly deps: PlaygroundServiceDeps,
    private readonly conversation: Conversation,
    private readonly history: StoredMessage[],
    private readonly answerSeq: number,
    private readonly emit: (event: ChatEvent) => void,
    private readonly signal: AbortSignal,
    private readonly now: () => number,
  ) {
    this.started = performance.now();
    const panes = conversation.panes.length;
    this.texts = Array.from({ length: panes }, () => '');
    this.firstTokenAt = Array.from({ length: panes }, () => null);
    this.settled = Array.from({ length: panes }, () => false);
    this.messageBase = history.length;
  }

  async run(): Promise<void> {
    const { panes } = this.conversation;
    panes.forEach((_, paneIndex) => this.send({ type: 'started', paneIndex, messageIndex: this.messageBase + paneIndex }));
    let modelPath: string;
    try {
      modelPath = this.deps.models.get(this.conversation.modelId).path;
      if (!existsSync(modelPath)) {
        throw new LatheError('not_found', `The model file ${modelPath} is gone (deleted or moved since it was added to the library). Add it again or choose another model.`);
      }
    } catch (error) {
      this.failRemaining(error);
      return;
    }
    const runs = this.deps.runs.list();
    const asked: number[] = [];
    const request: ChatTurnRequest = { modelPath, sampling: this.conversation.sampling, panes: [] };
    panes.forEach((pane, paneIndex) => {
      try {
        const adapter = pane.adapter.kind === 'run' ? { path: adapterPathFor(pane.adapter, runs), scale: pane.adapter.scale } : undefined;
        request.panes.push({ messages: paneMessages(this.conversation.systemPrompt, this.history, paneIndex), ...(adapter ? { adapter } : {}) });
        asked.push(paneIndex);
      } catch (error) {
        this.fail(paneIndex, error);
      }
    });
    if (asked.length === 0) return;
    const paneOf = (index: number) => asked[index] as number;
    try {
      await this.deps.inference.chat(
        request,
        {
          token: (index, text) => this.token(paneOf(index), text),
          done: (index, result) => this.done(paneOf(index), result),
          failed: (index, kind, message) => this.fail(paneOf(index), new LatheError(kind, message)),
        },
        this.signal,
      );
      // Anything the worker did not settle (it should not happen) is not left hanging.
      this.failRemaining(new LatheError('internal', 'The inference worker ended the turn without an answer.'));
    } catch (error) {
      this.failRemaining(
        error instanceof LatheError && error.kind === 'unavailable' ? new LatheError('unavailable', `The model stopped answering: ${error.message}`) : error,
      );
    }
  }

  private token(pane: number, text: string): void {
    this.firstTokenAt[pane] ??= performance.now();
    this.texts[pane] += text;
    this.send({ type: 'token', paneIndex: pane, text });
  }

  private done(pane: number, result: ChatPaneResult): void {
    if (this.settled[pane]) return;
    this.settled[pane] = true;
    const firstTokenAt = this.firstTokenAt[pane] ?? null;
    const stats: ChatStats = {
      // Measured here, from the request reaching the service: what the person waits for.
      timeToFirstTokenMs: firstTokenAt === null ? result.timeToFirstTokenMs : firstTokenAt - this.started,
      tokensPerSecond: result.tokensPerSecond,
      tokens: result.tokens,
      promptTokens: result.promptTokens,
      stopReason: result.stopReason === 'cancelled' || this.signal.aborted ? 'stopped' : result.stopReason,
    };
    const { seq: _seq, ...message } = this.save(pane, result.text, stats);
    this.send({ type: 'done', paneIndex: pane, message, stats });
  }

  private fail(pane: number, error: unknown): void {
    if (this.settled[pane]) return;
    this.settled[pane] = true;
    const payload = error instanceof LatheError ? error : new LatheError('internal', error instanceof Error ? error.message : String(error));
    // Text that had streamed before a crash is kept, marked as failed (later turns leave it out).
    const text = this.texts[pane] ?? '';
    if (text !== '') this.save(pane, text, { timeToFirstTokenMs: 0, tokensPerSecond: 0, tokens: 0, promptTokens: 0, stopReason: 'error' });
    this.send({ type: 'error', paneIndex: pane, kind: payload.kind, message: payload.message });
  }

  private failRemaining(error: unknown): void {
    this.settled.forEach((settled, pane) => {
      if (!settled) this.fail(pane, error);
    });
  }

  private save(pane: number, content: string, stats: ChatStats): StoredMessage {
    const message: StoredMessage = { seq: this.answerSeq + pane, role: 'assistant', content, paneIndex: pane, stats, createdAt: this.now() };
    this.deps.repo.saveMessage(this.conversation.id, message, message.createdAt);
    return message;
  }

  private send(event: ChatEvent): void {
    // After unsubscribing nobody listens; answers are still saved.
    if (!this.signal.aborted) this.emit(event);
  }
}

function titleFrom(content: string): string {
  const line = content.trim().split('\n')[0] ?? '';
  return line.length > TITLE_LENGTH ? `${line.slice(0, TITLE_LENGTH - 1)}…` : line || UNTITLED;
}
