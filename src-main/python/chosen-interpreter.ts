/**
 * The interpreter the person chose on the System page (or with `lathe runtime use`), kept in
 * the data folder so it survives restarts. LATHE_PYTHON still wins over it: the environment
 * variable is how scripts and CI pin an interpreter, and a stored click must not override it.
 */
import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export function chosenInterpreterFile(dataDir: string): string {
  return join(dataDir, 'python', 'interpreter.json');
}

/** The stored choice, or null when there is none or the file is unreadable (then discovery is automatic). */
export function readChosenInterpreter(dataDir: string): string | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(chosenInterpreterFile(dataDir), 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'path' in parsed && typeof parsed.path === 'string' && parsed.path !== '') {
      return parsed.path;
    }
  } catch {
    // Missing or damaged: behave as if nothing was chosen.
  }
  return null;
}

/** Stores the choice (null clears it). Written to a temp file and renamed, so a crash leaves the old choice whole. */
export async function writeChosenInterpreter(dataDir: string, path: string | null): Promise<void> {
  const file = chosenInterpreterFile(dataDir);
  if (path === null) {
    await rm(file, { force: true });
    return;
  }
  await mkdir(join(dataDir, 'python'), { recursive: true });
  const temp = `${file}.tmp`;
  await writeFile(temp, `${JSON.stringify({ path })}\n`);
  await rename(temp, file);
}
