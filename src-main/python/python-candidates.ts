/**
 * Which Python interpreters Lathe may train with, in the order it tries them. Pure: the
 * environment, platform and file check come in as arguments (STYLE: decisions are pure).
 */
import { posix, win32 } from 'node:path';
import type { PythonCandidate } from '../contract';

export interface PythonCandidatePath {
  /** An absolute path, or a bare name (`python3`) the spawn resolves through PATH. */
  path: string;
  source: PythonCandidate['source'];
}

export interface CandidateInputs {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  dataDir: string;
  /** Whether a file exists; used only to skip Lathe's own venv before it has been created. */
  exists: (path: string) => boolean;
  /** The interpreter the person chose on the System page (kept in the data folder). */
  chosen?: string | null;
}

/** The folder of the virtual environment Lathe looks for inside its data folder. */
export function venvDir(dataDir: string, platform: NodeJS.Platform): string {
  return pathFor(platform).join(dataDir, 'python', 'venv');
}

/** The interpreter inside a virtual environment folder. */
export function venvPython(dir: string, platform: NodeJS.Platform): string {
  return pathFor(platform).join(dir, ...(platform === 'win32' ? ['Scripts', 'python.exe'] : ['bin', 'python3']));
}

/**
 * LATHE_PYTHON (the person's explicit choice) first, then the interpreter chosen on the System
 * page (a choice kept in the data folder, which the environment variable overrides), then Lathe's venv, then the `python3` on
 * PATH, then Debian's /usr/bin/python3 — which a pyenv or conda `python3` earlier on PATH
 * hides, although it is the one with torch (DESIGN §4). Duplicates keep their first place.
 */
export function pythonCandidates({ env, platform, dataDir, exists, chosen = null }: CandidateInputs): PythonCandidatePath[] {
  const windows = platform === 'win32';
  const ownPython = venvPython(venvDir(dataDir, platform), platform);

  const listed: PythonCandidatePath[] = [];
  const lathePython = env.LATHE_PYTHON?.trim();
  if (lathePython) listed.push({ path: lathePython, source: 'LATHE_PYTHON' });
  if (chosen) listed.push({ path: chosen, source: 'chosen' });
  if (exists(ownPython)) listed.push({ path: ownPython, source: 'venv' });
  listed.push({ path: windows ? 'python' : 'python3', source: 'PATH' });
  if (!windows) listed.push({ path: '/usr/bin/python3', source: 'system' });

  // Windows paths are case-insensitive: C:\Python312 and c:\python312 are one interpreter.
  const key = (path: string): string => (windows ? path.toLowerCase() : path);
  const seen = new Set<string>();
  return listed.filter((candidate) => {
    if (seen.has(key(candidate.path))) return false;
    seen.add(key(candidate.path));
    return true;
  });
}

function pathFor(platform: NodeJS.Platform): typeof posix {
  return platform === 'win32' ? win32 : posix;
}
