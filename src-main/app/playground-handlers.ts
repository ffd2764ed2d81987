/** The `playground.*` part of the contract, answered by the Playground service (conversations in the catalog, chat through the inference worker). */
import type Database from 'better-sqlite3';
import type { HandlersOf } from '../contract';
import type { playgroundContract } from '../contract/playground-contract';
import { ConversationRepository } from '../playground/conversation-repository';
import { PlaygroundService, type PlaygroundServiceDeps } from '../playground/playground-service';

export function playgroundHandlers(deps: { db: Database.Database } & Omit<PlaygroundServiceDeps, 'repo'>): HandlersOf<typeof playgroundContract> {
  const playground = new PlaygroundService({ ...deps, repo: new ConversationRepository(deps.db) });
  return {
    'playground.conversations': () => playground.conversations(),
    'playground.conversation': ({ id }) => playground.conversation(id),
    'playground.createConversation': (draft) => playground.createConversation(draft),
    'playground.updateConversation': (change) => playground.updateConversation(change),
    'playground.removeConversation': ({ id }) => playground.removeConversation(id),
    'playground.adapters': ({ modelId }) => playground.adapters(modelId),
    'playground.chat': (request, emit) => playground.chat(request, emit),
  };
}
