import { describe, expect, it } from 'vitest';
import { pythonCandidates, venvDir } from '../../../src-main/python/python-candidates';

const everything = (): boolean => true;
const nothing = (): boolean => false;

describe('pythonCandidates', () => {
  it.each([
    {
      name: 'Linux with a venv: venv, PATH, system',
      env: {},
      platform: 'linux',
      exists: everything,
      expected: [
        { path: '/data/python/venv/bin/python3', source: 'venv' },
        { path: 'python3', source: 'PATH' },
        { path: '/usr/bin/python3', source: 'system' },
      ],
    },
    {
      name: 'a venv not created yet is skipped',
      env: {},
      platform: 'linux',
      exists: nothing,
      expected: [
        { path: 'python3', source: 'PATH' },
        { path: '/usr/bin/python3', source: 'system' },
      ],
    },
    {
      name: 'LATHE_PYTHON comes first',
      env: { LATHE_PYTHON: '/opt/conda/bin/python' },
      platform: 'linux',
      exists: everything,
      expected: [
        { path: '/opt/conda/bin/python', source: 'LATHE_PYTHON' },
        { path: '/data/python/venv/bin/python3', source: 'venv' },
        { path: 'python3', source: 'PATH' },
        { path: '/usr/bin/python3', source: 'system' },
      ],
    },
    {
      name: 'LATHE_PYTHON naming the system python keeps its first place and source',
      env: { LATHE_PYTHON: '/usr/bin/python3' },
      platform: 'linux',
      exists: nothing,
      expected: [
        { path: '/usr/bin/python3', source: 'LATHE_PYTHON' },
        { path: 'python3', source: 'PATH' },
      ],
    },
    {
      name: 'LATHE_PYTHON naming the venv is listed once',
      env: { LATHE_PYTHON: '/data/python/venv/bin/python3' },
      platform: 'linux',
      exists: everything,
      expected: [
        { path: '/data/python/venv/bin/python3', source: 'LATHE_PYTHON' },
        { path: 'python3', source: 'PATH' },
        { path: '/usr/bin/python3', source: 'system' },
      ],
    },
    {
      name: 'an empty or blank LATHE_PYTHON is not a choice',
      env: { LATHE_PYTHON: '  ' },
      platform: 'linux',
      exists: nothing,
      expected: [
        { path: 'python3', source: 'PATH' },
        { path: '/usr/bin/python3', source: 'system' },
      ],
    },
    {
      name: 'macOS has the same order',
      env: {},
      platform: 'darwin',
      exists: everything,
      expected: [
        { path: '/data/python/venv/bin/python3', source: 'venv' },
        { path: 'python3', source: 'PATH' },
        { path: '/usr/bin/python3', source: 'system' },
      ],
    },
  ] as const)('$name', ({ env, platform, exists, expected }) => {
    expect(pythonCandidates({ env, platform, dataDir: '/data', exists })).toEqual(expected);
  });

  it('on Windows uses Scripts\\python.exe, `python` on PATH and no system path', () => {
    const seen: string[] = [];
    const candidates = pythonCandidates({
      env: { LATHE_PYTHON: 'D:\\envs\\torch\\python.exe' },
      platform: 'win32',
      dataDir: 'C:\\Users\\ada\\AppData\\Roaming\\Lathe',
      exists: (path) => {
        seen.push(path);
        return true;
      },
    });
    expect(candidates).toEqual([
      { path: 'D:\\envs\\torch\\python.exe', source: 'LATHE_PYTHON' },
      { path: 'C:\\Users\\ada\\AppData\\Roaming\\Lathe\\python\\venv\\Scripts\\python.exe', source: 'venv' },
      { path: 'python', source: 'PATH' },
    ]);
    expect(seen).toEqual(['C:\\Users\\ada\\AppData\\Roaming\\Lathe\\python\\venv\\Scripts\\python.exe']);
  });

  it('on Windows treats paths that differ only in case as one interpreter', () => {
    const candidates = pythonCandidates({
      env: { LATHE_PYTHON: 'c:\\lathe\\python\\venv\\scripts\\PYTHON.EXE' },
      platform: 'win32',
      dataDir: 'C:\\Lathe',
      exists: everything,
    });
    expect(candidates.map((candidate) => candidate.source)).toEqual(['LATHE_PYTHON', 'PATH']);
  });
});

describe('pythonCandidates with a chosen interpreter', () => {
  it('puts the chosen one after LATHE_PYTHON and before Lathe’s venv', () => {
    const listed = (env: NodeJS.ProcessEnv) => pythonCandidates({ env, platform: 'linux', dataDir: '/data', exists: everything, chosen: '/opt/py/bin/python3' });
    expect(listed({}).map((candidate) => candidate.source)).toEqual(['chosen', 'venv', 'PATH', 'system']);
    expect(listed({ LATHE_PYTHON: '/env/python' }).map((candidate) => `${candidate.source} ${candidate.path}`)).toEqual([
      'LATHE_PYTHON /env/python',
      'chosen /opt/py/bin/python3',
      'venv /data/python/venv/bin/python3',
      'PATH python3',
      'system /usr/bin/python3',
    ]);
  });

  it('lists a chosen interpreter that is also the system one once, as chosen', () => {
    const candidates = pythonCandidates({ env: {}, platform: 'linux', dataDir: '/data', exists: nothing, chosen: '/usr/bin/python3' });
    expect(candidates).toEqual([
      { path: '/usr/bin/python3', source: 'chosen' },
      { path: 'python3', source: 'PATH' },
    ]);
  });
});

describe('venvDir', () => {
  it.each([
    ['/home/ada/.local/share/lathe', 'linux', '/home/ada/.local/share/lathe/python/venv'],
    ['C:\\Users\\ada\\AppData\\Roaming\\Lathe', 'win32', 'C:\\Users\\ada\\AppData\\Roaming\\Lathe\\python\\venv'],
  ] as const)('%s on %s → %s', (dataDir, platform, expected) => {
    expect(venvDir(dataDir, platform)).toBe(expected);
  });
});
