/**
 * What the Playground can ask for: the model's adapters and conversations, one conversation
 * opened, changes to its panes and settings, and turns streamed from `playground.chat`
 * (send, regenerate, edit and resend, stop). Actions talk to a `PlaygroundClient` (passed in,
 * so tests use a fake) and record every outcome in state; they never throw.
 */
import type { ChatPane, ChatRequest, Conversation, ConversationSummary } from '../../../../src-main/contract';
import type { ConversationChange, PlaygroundClient } from '../../client/playground-client';
import { toStoredError } from '../errors';
import { notLoaded } from '../loadable';
import { applyChatEvent, historyForTurn, isTurnOver, startTurn, stopTurn, type ActiveTurn } from './chat-turn';
import { BASE_PANE, panesForRun } from './panes';
import type { GetPlaygroundState, SetPlaygroundState } from './store-type';

export interface PlaygroundActions {
  /** Chooses the model to chat with and loads its adapters and conversations. */
  selectModel(modelId: string | null): Promise<void>;
  loadConversations(): Promise<void>;
  loadAdapters(): Promise<void>;
  openConversation(id: string | null): Promise<void>;
  /** A new conversation with the current model (the base alone unless `panes` says otherwise), opened. */
  newConversation(panes?: ChatPane[]): Promise<boolean>;
  renameConversation(id: string, title: string): Promise<boolean>;
  removeConversation(id: string): Promise<boolean>;
  /** Changes the open conversation's panes, system prompt or sampling (shown at once, then saved). */
  changeOpen(change: ConversationChange): Promise<boolean>;
  send(content: string): void;
  regenerate(): void;
  /** Replaces the user message at `index` with `content`, drops what followed, and answers again. */
  editAndResend(index: number, content: string): void;
  stop(): void;
  /** "Chat with this run": remembered until the Playground is shown and calls `openRunToOpen`. */
  chatWithRun(run: { id: string; modelId: string }): void;
  openRunToOpen(): Promise<void>;
}

/** How long after a stop the saved conversation is read again: the main process saves what was generated once the stream is closed. */
const RELOAD_AFTER_STOP_MS = 400;

export function createPlaygroundActions(set: SetPlaygroundState, get: GetPlaygroundState, client: PlaygroundClient): PlaygroundActions {
  let latestList = 0;
  let latestAdapters = 0;
  let latestOpen = 0;
  // The turn streaming now: only its events may write, and closing it stops generation.
  let turnGeneration = 0;
  let closeTurn: (() => void) | null = null;

  function showConversation(conversation: Conversation): void {
    set((state) => ({
      openId: conversation.id,
      open: { data: conversation, loading: false, error: null },
      conversations: state.conversations.data === null ? state.conversations : { ...state.conversations, data: upsertSummary(state.conversations.data, conversation) },
    }));
  }

  async function reloadOpen(id: string, generation: number): Promise<void> {
    try {
      const conversation = await client.conversation(id);
      if (generation !== turnGeneration || get().openId !== id) return;
      set({ turn: null });
      showConversation(conversation);
    } catch (error) {
      if (generation === turnGeneration && get().openId === id) set({ actionError: toStoredError(error) });
    }
  }

  function endStream(): void {
    const close = closeTurn;
    closeTurn = null;
    close?.();
  }

  function startChat(request: Omit<ChatRequest, 'conversationId'>): void {
    const conversation = get().open.data;
    if (conversation === null || isStreaming(get().turn)) return;
    endStream();
    const generation = ++turnGeneration;
    const full: ChatRequest = { ...request, conversationId: conversation.id };
    set({
      actionError: null,
      turn: startTurn(conversation.id, conversation.panes.length),
      open: { data: { ...conversation, messages: historyForTurn(conversation.messages, full, Date.now()) }, loading: false, error: null },
    });
    const finish = () => {
      endStream();
      void reloadOpen(conversation.id, generation);
    };
    const close = client.chat(
      full,
      (event) => {
        const turn = get().turn;
        if (generation !== turnGeneration || turn === null) return;
        const next = applyChatEvent(turn, event);
        set({ turn: next });
        if (isTurnOver(next)) finish();
      },
      (error) => {
        const turn = get().turn;
        if (generation !== turnGeneration || turn === null) return;
        const stored = toStoredError(error);
        set({ turn: { ...turn, answers: turn.answers.map((answer) => (isTurnOver({ ...turn, answers: [answer] }) ? answer : { ...answer, status: 'error', error: stored })) } });
        finish();
      },
    );
    // The stream may have ended before `chat` returned (a transport known to be down fails at once).
    if (generation === turnGeneration && isStreaming(get().turn)) closeTurn = close;
    else close();
  }

  const actions: PlaygroundActions = {
    async selectModel(modelId) {
      endStream();
      turnGeneration += 1;
      set({ modelId, adapters: notLoaded, openId: null, open: notLoaded, turn: null, actionError: null });
      if (modelId === null) return;
      await Promise.all([actions.loadAdapters(), actions.loadConversations()]);
    },

    async loadConversations() {
      const request = ++latestList;
      set((state) => ({ conversations: { ...state.conversations, loading: true, error: null } }));
      try {
        const data = await client.conversations();
        if (request === latestList) set({ conversations: { data, loading: false, error: null } });
      } catch (error) {
        if (request === latestList) set((state) => ({ conversations: { ...state.conversations, loading: false, error: toStoredError(error) } }));
      }
    },

    async loadAdapters() {
      const modelId = get().modelId;
      if (modelId === null) return;
      const request = ++latestAdapters;
      set((state) => ({ adapters: { ...state.adapters, loading: true, error: null } }));
      try {
        const data = await client.adapters(modelId);
        if (request === latestAdapters) set({ adapters: { data, loading: false, error: null } });
      } catch (error) {
        if (request === latestAdapters) set((state) => ({ adapters: { ...state.adapters, loading: false, error: toStoredError(error) } }));
      }
    },

    async openConversation(id) {
      endStream();
      turnGeneration += 1;
      const request = ++latestOpen;
      set({ openId: id, open: id === null ? notLoaded : { data: null, loading: true, error: null }, turn: null, actionError: null });
      if (id === null) return;
      try {
        const conversation = await client.conversation(id);
        if (request === latestOpen) showConversation(conversation);
      } catch (error) {
        if (request === latestOpen) set({ open: { data: null, loading: false, error: toStoredError(error) } });
      }
    },

    async newConversation(panes) {
      const modelId = get().modelId;
      if (modelId === null) return false;
      set({ actionError: null });
      try {
        const conversation = await client.createConversation({ modelId, panes: panes ?? [BASE_PANE], systemPrompt: '', sampling: {} });
        endStream();
        turnGeneration += 1;
        latestOpen += 1;
        set({ turn: null });
        showConversation(conversation);
        return true;
      } catch (error) {
        set({ actionError: toStoredError(error) });
        return false;
      }
    },

    async renameConversation(id, title) {
      set({ actionError: null });
      try {
        const conversation = await client.updateConversation(id, { title });
        set((state) => ({
          conversations: state.conversations.data === null ? state.conversations : { ...state.conversations, data: upsertSummary(state.conversations.data, conversation) },
          open: state.openId === id && state.open.data !== null ? { ...state.open, data: { ...state.open.data, title: conversation.title } } : state.open,
        }));
        return true;
      } catch (error) {
        set({ actionError: toStoredError(error) });
        return false;
      }
    },

    async removeConversation(id) {
      set({ actionError: null });
      try {
        await client.removeConversation(id);
        if (get().openId === id) await actions.openConversation(null);
        set((state) => ({ conversations: state.conversations.data === null ? state.conversations : { ...state.conversations, data: state.conversations.data.filter((c) => c.id !== id) } }));
        return true;
      } catch (error) {
        set({ actionError: toStoredError(error) });
        return false;
      }
    },

    async changeOpen(change) {
      const before = get().open.data;
      if (before === null) return false;
      set({ actionError: null, open: { data: { ...before, ...change, sampling: { ...before.sampling, ...change.sampling } }, loading: false, error: null } });
      try {
        const saved = await client.updateConversation(before.id, change);
        // A turn's messages on screen are newer than this answer's; keep them.
        if (get().openId === saved.id) {
          const shown = get().open.data;
          showConversation(shown === null ? saved : { ...saved, messages: shown.messages });
        }
        return true;
      } catch (error) {
        if (get().openId === before.id) set({ actionError: toStoredError(error), open: { data: { ...(get().open.data ?? before), panes: before.panes, systemPrompt: before.systemPrompt, sampling: before.sampling }, loading: false, error: null } });
        return false;
      }
    },

    send(content) {
      if (content.trim() === '') return;
      startChat({ content, mode: 'send' });
    },

    regenerate() {
      startChat({ content: '', mode: 'regenerate' });
    },

    editAndResend(index, content) {
      if (content.trim() === '') return;
      startChat({ content, mode: 'edit', editIndex: index });
    },

    stop() {
      const turn = get().turn;
      if (!isStreaming(turn) || turn === null) return;
      endStream();
      // Events already on their way from the closed stream must not write any more.
      const generation = ++turnGeneration;
      set({ turn: stopTurn(turn) });
      setTimeout(() => void reloadOpen(turn.conversationId, generation), RELOAD_AFTER_STOP_MS);
    },

    chatWithRun(run) {
      set({ runToOpen: { runId: run.id, modelId: run.modelId } });
    },

    async openRunToOpen() {
      const target = get().runToOpen;
      if (target === null) return;
      set({ runToOpen: null });
      await actions.selectModel(target.modelId);
      await actions.newConversation(panesForRun(target.runId));
    },
  };
  return actions;
}

export function isStreaming(turn: ActiveTurn | null): boolean {
  return turn !== null && !isTurnOver(turn);
}

function upsertSummary(list: readonly ConversationSummary[], conversation: Conversation): ConversationSummary[] {
  const summary: ConversationSummary = {
    id: conversation.id,
    title: conversation.title,
    modelId: conversation.modelId,
    panes: conversation.panes,
    createdAt: conversation.createdAt,
    updatedAt: conversation.updatedAt,
    messageCount: conversation.messages.length,
  };
  const rest = list.filter((item) => item.id !== conversation.id);
  return [summary, ...rest];
}
