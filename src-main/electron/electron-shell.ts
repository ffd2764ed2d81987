/** The desktop shell backed by Electron's dialogs, file manager integration and notifications. */
import { BrowserWindow, dialog, Notification, safeStorage, shell } from 'electron';
import type { DesktopShell } from '../app/desktop-shell';

export const electronShell: DesktopShell = {
  async pickFiles({ title, extensions }) {
    const owner = BrowserWindow.getFocusedWindow();
    const options = { title, properties: ['openFile', 'multiSelections'] as ('openFile' | 'multiSelections')[], filters: [{ name: 'Models', extensions }] };
    const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
    return result.canceled ? [] : result.filePaths;
  },
  async pickFolder({ title }) {
    const owner = BrowserWindow.getFocusedWindow();
    const options = { title, properties: ['openDirectory'] as 'openDirectory'[] };
    const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  },
  revealFile(path) {
    shell.showItemInFolder(path);
  },
  notify(title, body) {
    // Some Linux desktops have no notification server; the Runs page shows the end anyway.
    if (Notification.isSupported()) new Notification({ title, body }).show();
  },
  // Asked when first used: safeStorage can only answer once the app is ready.
  get secrets() {
    // On Linux without a keyring safeStorage falls back to a fixed key ('basic_text'): no better than a 0600 file.
    const weak = process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text';
    if (!safeStorage.isEncryptionAvailable() || weak) return null;
    return {
      encrypt: (text: string) => safeStorage.encryptString(text),
      decrypt: (data: Buffer) => safeStorage.decryptString(data),
    };
  },
};
