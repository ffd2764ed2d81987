/**
 * What only a desktop window can do: native file dialogs, showing a file in the system's
 * file manager, and desktop notifications. The Electron entry provides it; under `lathe serve` there is none, and the
 * calls that need it answer `unavailable` with what to do instead.
 */
import { LatheError } from '../contract';

export interface DesktopShell {
  pickFiles(options: { title: string; extensions: string[] }): Promise<string[]>;
  pickFolder(options: { title: string }): Promise<string | null>;
  revealFile(path: string): void;
  /** A desktop notification (a run ended); the web UI shows a toast instead. */
  notify(title: string, body: string): void;
  /** The platform's secure storage for small secrets (the Hub token); null where it has none. */
  secrets?: SecretCipher | null;
}

/** Encrypts with a key the OS keeps (Keychain, DPAPI, the Secret Service). */
export interface SecretCipher {
  encrypt(text: string): Buffer;
  decrypt(data: Buffer): string;
}

export function requireDesktop(shell: DesktopShell | null, what: string): DesktopShell {
  if (!shell) {
    throw new LatheError('unavailable', `${what} needs the desktop app; in the browser, drop files on the page or use Add files to upload them.`);
  }
  return shell;
}
