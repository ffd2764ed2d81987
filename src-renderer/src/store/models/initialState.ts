import type { ModelEntry, SuggestedModelFolder } from '../../../../src-main/contract';
import type { StoredError } from '../errors';
import { notLoaded, type Loadable } from '../loadable';
import type { SkippedFile, UploadItem } from '../intake/upload-items';

/** A SHA-256 being computed for one model (from `hash-progress` events), or why it failed. */
export interface HashState {
  bytesDone: number;
  bytesTotal: number;
  /** Set when hashing failed (`hash-failed`, or the request to start was refused). */
  error: string | null;
}

export interface ModelsState {
  models: Loadable<ModelEntry[]>;
  /** LM Studio and Ollama folders found on the machine Lathe runs on. */
  suggestedFolders: Loadable<SuggestedModelFolder[]>;
  /** The search box's text as typed; the table filters by it (debounced). */
  query: string;
  /** The model whose details drawer is open. */
  openModelId: string | null;
  /** Hashing under way or failed, by model id. */
  hashing: Record<string, HashState>;
  /** Browser uploads, in the order they were added. */
  uploads: UploadItem[];
  /** What the last adds left out; kept until dismissed so a drop of many files can be read through. */
  skipped: SkippedFile[];
  /** A drop, dialog or suggested folder is being added. */
  adding: boolean;
  addError: StoredError | null;
  /** The live `models.events` stream is open. */
  watching: boolean;
  eventsError: StoredError | null;
  /** The last failed remove or reveal, shown in the details drawer. */
  actionError: StoredError | null;
}

export const initialModelsState: ModelsState = {
  models: notLoaded,
  suggestedFolders: notLoaded,
  query: '',
  openModelId: null,
  hashing: {},
  uploads: [],
  skipped: [],
  adding: false,
  addError: null,
  watching: false,
  eventsError: null,
  actionError: null,
};
