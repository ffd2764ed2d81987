/**
 * The Hugging Face access token, for gated and private repositories. In the desktop app it
 * is encrypted with the platform's secure storage (Electron's safeStorage: Keychain, DPAPI,
 * the Secret Service) into `<dataDir>/hub-token.enc`; where there is none (`lathe serve`, a
 * Linux desktop without a keyring) it is kept in `<dataDir>/hub-token`, a file only this
 * user may read (0600), and the settings card says so. `HF_TOKEN` in the environment is used
 * when nothing is stored, as the Hub's own tools do.
 */
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LatheError, type HubTokenStatus } from '../../contract';
import type { SecretCipher } from '../../app/desktop-shell';

export interface HubTokenStoreDeps {
  dataDir: string;
  /** The platform's secure storage; null or absent outside the desktop app. */
  secrets?: SecretCipher | null;
  env?: NodeJS.ProcessEnv;
}

export class HubTokenStore {
  private token: string | null = null;
  private readonly encryptedPath: string;
  private readonly plainPath: string;

  constructor(private readonly deps: HubTokenStoreDeps) {
    this.encryptedPath = join(deps.dataDir, 'hub-token.enc');
    this.plainPath = join(deps.dataDir, 'hub-token');
  }

  /** Reads the stored token once at start (a token that cannot be decrypted is treated as none). */
  async load(): Promise<void> {
    const secrets = this.deps.secrets ?? null;
    const encrypted = secrets ? await readFile(this.encryptedPath).catch(() => null) : null;
    if (secrets && encrypted) {
      try {
        this.token = secrets.decrypt(encrypted);
        return;
      } catch {
        this.token = null;
      }
    }
    const plain = await readFile(this.plainPath, 'utf8').catch(() => null);
    this.token = plain?.trim() || null;
  }

  /** The token to send: the stored one, else HF_TOKEN. */
  current(): string | null {
    return this.token ?? (this.deps.env?.HF_TOKEN?.trim() || null);
  }

  status(): HubTokenStatus {
    const set = this.token !== null;
    if (this.deps.secrets) {
      return { set, storage: 'keychain', note: "Stored encrypted with this computer's secure storage." };
    }
    return {
      set,
      storage: 'file',
      note: `Stored unencrypted in ${this.plainPath}, readable only by your user account (no secure storage here).`,
    };
  }

  async set(token: string | null): Promise<HubTokenStatus> {
    if (token !== null && !/^hf_[A-Za-z0-9]{10,}$/.test(token)) {
      throw new LatheError('invalid_input', 'That is not a Hugging Face access token: tokens start with "hf_". Create one at huggingface.co/settings/tokens (read access is enough).');
    }
    await rm(this.encryptedPath, { force: true });
    await rm(this.plainPath, { force: true });
    if (token !== null) {
      if (this.deps.secrets) await writeFile(this.encryptedPath, this.deps.secrets.encrypt(token), { mode: 0o600 });
      else {
        await writeFile(this.plainPath, token, { mode: 0o600 });
        // The mode above is masked by the umask; make sure nobody else can read it.
        await chmod(this.plainPath, 0o600);
      }
    }
    this.token = token;
    return this.status();
  }
}
