import { describe, expect, it } from 'vitest';
import { modelFolderCandidates, suggestedFolderId } from '../../../src-main/models/model-folders';

const paths = (inputs: Parameters<typeof modelFolderCandidates>[0]) =>
  modelFolderCandidates(inputs).map(({ app, path }) => `${app} ${path}`);

describe('modelFolderCandidates', () => {
  it('on Linux: LM Studio new and old, Ollama for the user and for the systemd service', () => {
    expect(paths({ env: {}, platform: 'linux', home: '/home/ada' })).toEqual([
      'lmstudio /home/ada/.lmstudio/models',
      'lmstudio /home/ada/.cache/lm-studio/models',
      'ollama /home/ada/.ollama/models',
      'ollama /usr/share/ollama/.ollama/models',
    ]);
  });

  it('on macOS: no service folder', () => {
    expect(paths({ env: {}, platform: 'darwin', home: '/Users/ada' })).toEqual([
      'lmstudio /Users/ada/.lmstudio/models',
      'lmstudio /Users/ada/.cache/lm-studio/models',
      'ollama /Users/ada/.ollama/models',
    ]);
  });

  it('on Windows: under %USERPROFILE%, with Windows separators', () => {
    expect(paths({ env: { USERPROFILE: 'C:\\Users\\Ada' }, platform: 'win32', home: 'D:\\elsewhere' })).toEqual([
      'lmstudio C:\\Users\\Ada\\.lmstudio\\models',
      'lmstudio C:\\Users\\Ada\\.cache\\lm-studio\\models',
      'ollama C:\\Users\\Ada\\.ollama\\models',
    ]);
    expect(paths({ env: {}, platform: 'win32', home: 'C:\\Users\\Bob' })[0]).toBe('lmstudio C:\\Users\\Bob\\.lmstudio\\models');
  });

  it('puts OLLAMA_MODELS first and keeps the defaults (the service may not share our environment)', () => {
    expect(paths({ env: { OLLAMA_MODELS: '/data/ollama/' }, platform: 'linux', home: '/home/ada' }).filter((p) => p.startsWith('ollama'))).toEqual([
      'ollama /data/ollama/',
      'ollama /home/ada/.ollama/models',
      'ollama /usr/share/ollama/.ollama/models',
    ]);
    expect(paths({ env: { OLLAMA_MODELS: 'E:\\ollama\\models' }, platform: 'win32', home: 'C:\\Users\\Ada' })).toContain('ollama E:\\ollama\\models');
  });

  it('lists a folder once when OLLAMA_MODELS names a default, and ignores an empty OLLAMA_MODELS', () => {
    const same = paths({ env: { OLLAMA_MODELS: '/home/ada/.ollama/models' }, platform: 'darwin', home: '/home/ada' });
    expect(same.filter((p) => p === 'ollama /home/ada/.ollama/models')).toHaveLength(1);
    expect(paths({ env: { OLLAMA_MODELS: '  ' }, platform: 'darwin', home: '/h' })).toHaveLength(3);
  });

  it('gives each folder a stable id of its own', () => {
    const [a, b] = modelFolderCandidates({ env: {}, platform: 'linux', home: '/home/ada' });
    expect(a!.id).toBe(suggestedFolderId('lmstudio', '/home/ada/.lmstudio/models'));
    expect(a!.id).toMatch(/^lmstudio-[0-9a-f]{16}$/);
    expect(a!.id).not.toBe(b!.id);
    expect(modelFolderCandidates({ env: {}, platform: 'linux', home: '/home/ada' })[0]!.id).toBe(a!.id);
  });
});
