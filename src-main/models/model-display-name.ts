/**
 * The name a model is listed under. The GGUF's `general.name` when it has one; otherwise
 * the reader falls back to the file name, which for an Ollama blob is `sha256-<hex>`, so
 * the name Ollama knows it by (`llama3.2:3b`) is used instead. That name is also kept as
 * the entry's alias so a search for it finds the model either way.
 */
import { basename, extname } from 'node:path';
import type { ModelFacts } from '../contract';

export function withAppName(facts: ModelFacts, path: string, appName: string | undefined): ModelFacts {
  if (!appName) return facts;
  const fileStem = basename(path, extname(path));
  return facts.displayName === fileStem || facts.displayName === basename(path) ? { ...facts, displayName: appName } : facts;
}

/** All of another app's names for a file, as one searchable text. */
export function aliasOf(names: readonly string[]): string | null {
  return names.length > 0 ? names.join(', ') : null;
}

/** The preferred name back out of a stored alias. */
export function firstName(alias: string | null): string | undefined {
  return alias?.split(', ')[0] || undefined;
}
