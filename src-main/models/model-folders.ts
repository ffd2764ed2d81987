/**
 * Where other apps keep their models on this machine, worked out from the environment,
 * the platform and the home folder alone (nothing is read here; the library checks which
 * of these exist). Sources:
 * - LM Studio: `~/.lmstudio/models` (its `lms` CLI: `{home}/models` under the LM Studio
 *   home `~/.lmstudio`); releases before 0.3 used `~/.cache/lm-studio/models`. Windows
 *   keeps the same layout under %USERPROFILE%.
 * - Ollama (docs/faq.md "Where are models stored?"): `OLLAMA_MODELS` when set, else
 *   `~/.ollama/models` on macOS and Windows (%USERPROFILE%\.ollama\models), and
 *   `/usr/share/ollama/.ollama/models` on Linux when it runs as the systemd service that
 *   install.sh sets up (a user running `ollama serve` by hand gets `~/.ollama/models`).
 */
import { createHash } from 'node:crypto';
import { posix, win32 } from 'node:path';
import type { SuggestedModelFolder } from '../contract';

export interface ModelFolderDiscoveryInputs {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  home: string;
}

export interface ModelFolderCandidate {
  id: string;
  app: SuggestedModelFolder['app'];
  path: string;
}

export function modelFolderCandidates({ env, platform, home }: ModelFolderDiscoveryInputs): ModelFolderCandidate[] {
  const path = platform === 'win32' ? win32 : posix;
  // On Windows both apps follow %USERPROFILE%; `home` is the fallback when it is unset.
  const userHome = platform === 'win32' ? nonEmpty(env.USERPROFILE) ?? home : home;
  const lmStudio = [path.join(userHome, '.lmstudio', 'models'), path.join(userHome, '.cache', 'lm-studio', 'models')];
  const ollama = [
    ...(nonEmpty(env.OLLAMA_MODELS) ? [path.normalize(env.OLLAMA_MODELS as string)] : []),
    path.join(userHome, '.ollama', 'models'),
    // Lathe's environment is the person's, not the service's: an OLLAMA_MODELS set in the
    // service unit is invisible here, so the service's default is offered as well.
    ...(platform === 'linux' ? ['/usr/share/ollama/.ollama/models'] : []),
  ];
  const candidates = [
    ...lmStudio.map((p) => candidate('lmstudio', p)),
    ...ollama.map((p) => candidate('ollama', p)),
  ];
  return candidates.filter((c, i) => candidates.findIndex((other) => other.path === c.path) === i);
}

/** Ids stay the same from one start to the next, so the UI can name a folder it was shown. */
export function suggestedFolderId(app: ModelFolderCandidate['app'], path: string): string {
  return `${app}-${createHash('sha256').update(path).digest('hex').slice(0, 16)}`;
}

function candidate(app: ModelFolderCandidate['app'], path: string): ModelFolderCandidate {
  return { id: suggestedFolderId(app, path), app, path };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}
