/** How a model entry is named and labelled on screen. */
import type { ModelEntry } from '../../../src-main/contract';

/** The last part of a path, for either separator (the main process may run on Windows). */
export function fileNameOf(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts.at(-1) || path;
}

/** general.name when the file could be read; otherwise the file's name, so a broken file still has one. */
export function modelDisplayName(model: ModelEntry): string {
  return model.facts?.displayName || fileNameOf(model.path);
}

/**
 * llama.cpp's file type names without their prefix: `MOSTLY_Q4_K_M` → `Q4_K_M`,
 * `ALL_F32` → `F32`. The prefix says nothing a person choosing a model needs.
 */
export function formatFileType(fileType: string | null): string {
  if (fileType === null || fileType === '') return '—';
  return fileType.replace(/^(LLAMA_FTYPE_)?(MOSTLY|ALL)_/, '');
}

export const ORIGIN_LABEL: Record<ModelEntry['origin'], string> = {
  file: 'Added file',
  folder: 'Watched folder',
  upload: 'Uploaded',
  lmstudio: 'LM Studio',
  ollama: 'Ollama',
  download: 'Downloaded',
};
