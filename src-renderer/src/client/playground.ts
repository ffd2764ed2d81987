/** The playground, evaluation and export calls over whichever transport this window has. */
import { getLathe } from '../transport';
import type { PlaygroundClient } from './playground-client';

export const playgroundClient: PlaygroundClient = {
  conversations: () => getLathe().playground.conversations({}),
  conversation: (id) => getLathe().playground.conversation({ id }),
  createConversation: (request) => getLathe().playground.createConversation(request),
  updateConversation: (id, change) => getLathe().playground.updateConversation({ id, ...change }),
  removeConversation: (id) => getLathe().playground.removeConversation({ id }),
  adapters: (modelId) => getLathe().playground.adapters({ modelId }),
  chat: (request, onEvent, onError) => getLathe().playground.chat({ ...request }, onEvent, onError),
  evaluation: (runId) => getLathe().evaluation.get({ runId }),
  evaluate: (runId) => getLathe().evaluation.start({ runId }),
  evaluationTable: (runId, format) => getLathe().evaluation.table({ runId, format }),
  watchEvaluations: (onEvent, onError) => getLathe().evaluation.events({}, onEvent, onError),
  exportRun: (runId, format) => getLathe().exports.create({ runId, format }),
  watchExports: (onEvent, onError) => getLathe().exports.events({}, onEvent, onError),
};
