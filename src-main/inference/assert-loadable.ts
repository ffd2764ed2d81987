/**
 * The gate in front of llama.cpp: it aborts its whole process on some missing keys
 * (DESIGN §2), so no file reaches the inference worker before its header has been read and
 * checked. The refusal names the key, which llama.cpp's own abort would not tell the person.
 */
import { LatheError } from '../contract';
import { inspectGguf } from '../models/gguf/inspect-gguf';

export async function assertLoadable(path: string): Promise<void> {
  const { facts } = await inspectGguf(path);
  if (facts.loadProblems.length > 0) {
    throw new LatheError('invalid_file', `llama.cpp cannot load ${path}: ${facts.loadProblems.join('; ')}`);
  }
}
