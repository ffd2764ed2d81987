/** Shapes the Models page, `lathe model …` and later the run wizard show. Produced by the models service. */

/** What Lathe read from a GGUF file's header (never its tensor data). */
export interface ModelFacts {
  /** general.name, else the file name without extension. */
  displayName: string;
  /** general.architecture, e.g. `llama`, `qwen2`. */
  architecture: string;
  /** Sum of the element counts of all tensors. */
  parameterCount: number;
  /** general.file_type as its llama.cpp name (`MOSTLY_Q4_K_M`, `MOSTLY_F16`…), or null when absent. */
  fileType: string | null;
  /** Tensor type name → number of tensors of that type (`{ F32: 25, Q8_0: 56 }`). */
  tensorTypes: Record<string, number>;
  fileSizeBytes: number;
  contextLength: number | null;
  vocabSize: number | null;
  embeddingLength: number | null;
  blockCount: number | null;
  /** tokenizer.chat_template, when present. */
  chatTemplate: string | null;
  /** Whether Lathe's training runtime can train this file, and why not when it cannot. */
  trainable: boolean;
  notTrainableReason: string | null;
  /** Why llama.cpp would refuse to load it (missing keys…); empty when it can be loaded. */
  loadProblems: string[];
}

export type ModelStatus = 'ready' | 'missing' | 'invalid';

export interface ModelEntry {
  id: string;
  path: string;
  /** True when the file lives under Lathe's data folder (uploaded or downloaded): deleting the entry deletes it. */
  owned: boolean;
  /** Where it came from: added by hand, found in a watched folder, uploaded, downloaded from the Hub. */
  origin: 'file' | 'folder' | 'upload' | 'lmstudio' | 'ollama' | 'download';
  status: ModelStatus;
  /** Set when status is `invalid` (the reader's message) or `missing`. */
  problem: string | null;
  facts: ModelFacts | null;
  sha256: string | null;
  /** Another app's name for the file, e.g. Ollama's `llama3.2:3b` for one of its blobs. */
  alias: string | null;
  addedAt: number;
}

/** A folder of models another app keeps, found on this machine and offered to the person. */
export interface SuggestedModelFolder {
  id: string;
  app: 'lmstudio' | 'ollama';
  path: string;
  ggufCount: number;
  watched: boolean;
}

/** Changes the Models page follows live. */
export type ModelEvent =
  | { type: 'changed'; model: ModelEntry }
  | { type: 'removed'; id: string }
  | { type: 'hash-progress'; id: string; bytesDone: number; bytesTotal: number }
  | { type: 'hash-done'; id: string; sha256: string }
  | { type: 'hash-failed'; id: string; message: string };

export interface AddModelsResult {
  added: ModelEntry[];
  /** Paths that were not added, with the reason in words (not a GGUF file, unreadable, already listed…). */
  skipped: { path: string; reason: string }[];
}

/** A resumable upload: `receivedBytes` says where to continue after an interruption. */
export interface UploadSession {
  uploadId: string;
  fileName: string;
  size: number;
  receivedBytes: number;
}
