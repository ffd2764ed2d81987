import { describe, expect, it } from 'vitest';
import { choosePython, pythonReport } from '../../../src-main/python/choose-python';
import type { PythonProbe } from '../../../src-main/python/probe-python';
import { pythonAdvice } from '../../../src-main/python/python-advice';
import { runtimeInfo, torchInfo } from './samples';

const withTorch: PythonProbe = {
  candidate: { path: '/usr/bin/python3', source: 'system' },
  info: runtimeInfo({ python: { version: '3.11.2', executable: '/usr/bin/python3' } }),
  problem: null,
};
const withoutTorch: PythonProbe = {
  candidate: { path: 'python3', source: 'PATH' },
  info: runtimeInfo({ torch: null, torch_error: "ModuleNotFoundError: No module named 'torch'" }),
  problem: "python3 on PATH cannot import torch: ModuleNotFoundError: No module named 'torch'",
};
const missing: PythonProbe = {
  candidate: { path: '/nonexistent/python', source: 'LATHE_PYTHON' },
  info: null,
  problem: 'LATHE_PYTHON is set to /nonexistent/python, but it was not found',
};
const garbage: PythonProbe = {
  candidate: { path: 'python3', source: 'PATH' },
  info: null,
  problem: 'python3 on PATH printed no runtime report: hello',
};

describe('choosePython', () => {
  it.each([
    ['nothing probed', [], 'no_python'],
    ['only failures', [missing, garbage], 'no_python'],
    ['a Python without torch', [missing, withoutTorch], 'no_torch'],
    ['a Python with torch after others', [missing, withoutTorch, withTorch], 'ready'],
  ] as const)('%s → %s', (_name, probes, state) => {
    expect(choosePython(probes).state).toBe(state);
  });

  it('takes the first candidate with torch, in discovery order', () => {
    const venv: PythonProbe = { ...withTorch, candidate: { path: '/data/python/venv/bin/python3', source: 'venv' } };
    const choice = choosePython([withoutTorch, venv, withTorch]);
    expect(choice.state === 'ready' && choice.probe).toBe(venv);
  });
});

describe('pythonReport', () => {
  const context = { platform: 'linux', venvDir: '/data/python/venv' } as const;

  it('reports the chosen interpreter by its absolute executable, with its torch capabilities', () => {
    const ready: PythonProbe = {
      candidate: { path: 'python3', source: 'PATH' },
      info: runtimeInfo({ python: { version: '3.12.3', executable: '/home/ada/.venvs/torch/bin/python3' } }),
      problem: null,
    };
    expect(pythonReport([missing, ready], context)).toEqual({
      state: 'ready',
      python: '/home/ada/.venvs/torch/bin/python3',
      pythonVersion: '3.12.3',
      torchVersion: '2.7.1+cu128',
      cuda: { available: true, version: '12.8', devices: ['NVIDIA GeForce RTX 4090'] },
      mps: false,
      torchThreads: 16,
      candidates: [
        { path: '/nonexistent/python', source: 'LATHE_PYTHON', pythonVersion: null, torchVersion: null, problem: missing.problem },
        { path: 'python3', source: 'PATH', pythonVersion: '3.12.3', torchVersion: '2.7.1+cu128', problem: null },
      ],
      advice: null,
    });
  });

  it('falls back to the candidate path when the interpreter does not know its executable', () => {
    const embedded: PythonProbe = { ...withTorch, info: runtimeInfo({ python: { version: '3.11.2', executable: '' } }) };
    expect(pythonReport([embedded], context).python).toBe('/usr/bin/python3');
  });

  it('reports Apple GPUs and a CPU-only torch', () => {
    const mac: PythonProbe = {
      ...withTorch,
      info: runtimeInfo({ torch: torchInfo({ cuda_available: false, cuda_version: null, cuda_devices: [], mps_available: true }) }),
    };
    const report = pythonReport([mac], { platform: 'darwin', venvDir: '/data/python/venv' });
    expect(report.cuda).toEqual({ available: false, version: null, devices: [] });
    expect(report.mps).toBe(true);
  });

  it('explains a missing torch, and puts the broken LATHE_PYTHON first in the advice', () => {
    const report = pythonReport([missing, withoutTorch], context);
    expect(report).toMatchObject({
      state: 'no_torch',
      python: null,
      pythonVersion: null,
      torchVersion: null,
      cuda: { available: false, version: null, devices: [] },
      mps: false,
      torchThreads: null,
    });
    expect(report.candidates.map((candidate) => candidate.pythonVersion)).toEqual([null, '3.12.3']);
    expect(report.advice).toMatch(/^LATHE_PYTHON is set to \/nonexistent\/python, but it was not found\. /);
    expect(report.advice).toContain('cannot import torch');
  });
});

describe('pythonAdvice', () => {
  it('has nothing to say when ready', () => {
    expect(pythonAdvice('ready', 'linux')).toBeNull();
  });

  it('on Linux gives the Debian packages (with the OpenMP OpenBLAS) and a CUDA venv in the data folder', () => {
    const advice = pythonAdvice('no_python', 'linux', { venvDir: '/data/python/venv' });
    expect(advice).toContain(
      'sudo apt-get install -y --no-install-recommends python3-torch python3-numpy libopenblas0-openmp',
    );
    expect(advice).toContain('python3 -m venv "/data/python/venv"');
    expect(advice).toContain('"/data/python/venv/bin/python" -m pip install torch');
    expect(advice).toMatch(/^No Python 3 was found\./);
  });

  it('on Windows points to python.org and the CUDA wheel index, with Windows paths', () => {
    const advice = pythonAdvice('no_torch', 'win32', { venvDir: 'C:\\Lathe\\python\\venv' });
    expect(advice).toContain('https://www.python.org/downloads/');
    expect(advice).toContain('"C:\\Lathe\\python\\venv\\Scripts\\python.exe" -m pip install torch --index-url https://download.pytorch.org/whl/cu');
    expect(advice).not.toContain('apt-get');
  });

  it('on macOS points to python.org and the plain torch wheel', () => {
    const advice = pythonAdvice('no_python', 'darwin', { venvDir: '/Users/ada/Lathe/python/venv' });
    expect(advice).toContain('https://www.python.org/downloads/');
    expect(advice).toContain('"/Users/ada/Lathe/python/venv/bin/python" -m pip install torch (');
    expect(advice).not.toContain('--index-url');
  });

  it('names the broken LATHE_PYTHON before anything else', () => {
    const advice = pythonAdvice('no_torch', 'linux', { lathePythonProblem: missing.problem });
    expect(advice).toMatch(/^LATHE_PYTHON is set to \/nonexistent\/python, but it was not found\. Point LATHE_PYTHON/);
  });
});
