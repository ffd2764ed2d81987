import { describe, expect, it } from 'vitest';
import type { ProcessResult } from '../../../src-main/process/run-process';
import { probeEnv, probeFromResult } from '../../../src-main/python/probe-python';
import type { PythonCandidatePath } from '../../../src-main/python/python-candidates';
import { parseRuntimeInfo } from '../../../src-main/python/runtime-info';
import { runtimeInfo } from './samples';

const onPath: PythonCandidatePath = { path: 'python3', source: 'PATH' };
const chosenByPerson: PythonCandidatePath = { path: '/nonexistent/python', source: 'LATHE_PYTHON' };

function exited(code: number, stdout: string, stderr = ''): ProcessResult {
  return { code, stdout, stderr, failure: null, detail: null };
}

function failed(failure: NonNullable<ProcessResult['failure']>, detail: string): ProcessResult {
  return { code: null, stdout: '', stderr: '', failure, detail };
}

describe('probeFromResult', () => {
  it('accepts a report with torch', () => {
    const info = runtimeInfo();
    const probe = probeFromResult(onPath, exited(0, `${JSON.stringify(info)}\n`));
    expect(probe).toEqual({ candidate: onPath, info, problem: null });
  });

  it('reads the last line when a startup hook printed before the report', () => {
    const info = runtimeInfo();
    const probe = probeFromResult(onPath, exited(0, `hello from sitecustomize\n${JSON.stringify(info)}\n`));
    expect(probe.info).toEqual(info);
  });

  it('keeps a Python without torch, with the import error as its problem', () => {
    const info = runtimeInfo({ torch: null, torch_error: "ModuleNotFoundError: No module named 'torch'" });
    const probe = probeFromResult(onPath, exited(0, JSON.stringify(info)));
    expect(probe.info).toEqual(info);
    expect(probe.problem).toBe("python3 on PATH cannot import torch: ModuleNotFoundError: No module named 'torch'");
  });

  it.each([
    [failed('not_found', 'spawn python3 ENOENT'), 'python3 on PATH was not found'],
    [failed('timeout', 'python3 did not finish within 60000 ms'), 'python3 on PATH did not answer within 60 s'],
    [failed('signal', 'python3 was stopped by SIGSEGV'), 'python3 on PATH crashed (python3 was stopped by SIGSEGV)'],
    [failed('spawn_failed', 'spawn python3 EACCES'), 'python3 on PATH could not be started (spawn python3 EACCES)'],
    [
      exited(1, '', 'Traceback (most recent call last):\n  ...\nSyntaxError: future feature annotations is not defined\n'),
      'python3 on PATH exited with code 1: SyntaxError: future feature annotations is not defined',
    ],
    [exited(0, 'Python 3.12.1\n'), 'python3 on PATH printed no runtime report: Python 3.12.1'],
    [exited(0, '{"python": "half a report"}'), 'python3 on PATH printed no runtime report: {"python": "half a report"}'],
    [exited(0, ''), 'python3 on PATH printed no runtime report'],
  ])('%j → %s', (result, problem) => {
    expect(probeFromResult(onPath, result)).toEqual({ candidate: onPath, info: null, problem });
  });

  it('says plainly that the LATHE_PYTHON the person set cannot be used', () => {
    const probe = probeFromResult(chosenByPerson, failed('not_found', 'spawn /nonexistent/python ENOENT'));
    expect(probe.problem).toBe('LATHE_PYTHON is set to /nonexistent/python, but it was not found');
  });

  it('cuts a runaway output line short', () => {
    const probe = probeFromResult(onPath, exited(0, 'x'.repeat(10_000)));
    expect(probe.problem).toBe(`python3 on PATH printed no runtime report: ${'x'.repeat(300)}…`);
  });
});

describe('probeEnv', () => {
  it.each([
    [undefined, 'linux', '/app/python-runtime'],
    ['', 'linux', '/app/python-runtime'],
    ['/mine', 'linux', '/app/python-runtime:/mine'],
    ['D:\\mine', 'win32', '/app/python-runtime;D:\\mine'],
  ] as const)('PYTHONPATH %j on %s → %s', (pythonPath, platform, expected) => {
    expect(probeEnv({ PYTHONPATH: pythonPath }, '/app/python-runtime', platform).PYTHONPATH).toBe(expected);
  });

  it("keeps the rest of the person's environment", () => {
    expect(probeEnv({ HOME: '/home/ada', CUDA_VISIBLE_DEVICES: '1' }, '/rt', 'linux')).toEqual({
      HOME: '/home/ada',
      CUDA_VISIBLE_DEVICES: '1',
      PYTHONPATH: '/rt',
    });
  });
});

describe('parseRuntimeInfo', () => {
  it('rejects JSON whose fields have the wrong types', () => {
    const info = { ...runtimeInfo(), torch: { ...runtimeInfo().torch, num_threads: 'four' } };
    expect(parseRuntimeInfo(JSON.stringify(info))).toBeNull();
  });
});
