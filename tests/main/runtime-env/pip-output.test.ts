import { describe, expect, it } from 'vitest';
import { pipErrorSummary, pipFailureKind, readPipLine, type PipProgress } from '../../../src-main/runtime-env/pip-output';

const start: PipProgress = { detail: null, download: null };
const read = (lines: string[]): PipProgress => lines.reduce(readPipLine, start);

describe('readPipLine', () => {
  it('follows a download from PyTorch’s index with its size, then the install', () => {
    const downloading = read(['Looking in indexes: https://download.pytorch.org/whl/cu128', 'Collecting torch', '  Downloading https://download.pytorch.org/whl/cu128/torch-2.7.1%2Bcu128-cp311-cp311-manylinux_2_28_x86_64.whl (1097.8 MB)']);
    expect(downloading.detail).toBe('Downloading torch-2.7.1+cu128-cp311-cp311-manylinux_2_28_x86_64.whl');
    expect(downloading.download).toEqual({ file: 'torch-2.7.1+cu128-cp311-cp311-manylinux_2_28_x86_64.whl', doneBytes: 0, totalBytes: 1_097_800_000 });
    const moving = readPipLine(downloading, 'Progress 52428800 of 1097800000');
    expect(moving.download?.doneBytes).toBe(52_428_800);
    const installing = readPipLine(moving, 'Installing collected packages: numpy, torch');
    expect(installing.detail).toBe('Installing numpy, torch');
    expect(installing.download?.doneBytes).toBe(1_097_800_000);
    expect(readPipLine(installing, 'Successfully installed numpy-2.1.2 torch-2.7.1+cu128').detail).toBe('Installed numpy-2.1.2 torch-2.7.1+cu128');
  });

  it('reads kB sizes, unsized downloads and local files', () => {
    expect(read(['Downloading numpy-2.1.2.whl (12 kB)']).download?.totalBytes).toBe(12_000);
    expect(read(['Downloading http://127.0.0.1:9/files/torch-1.0-py3-none-any.whl']).download).toEqual({ file: 'torch-1.0-py3-none-any.whl', doneBytes: null, totalBytes: null });
    expect(read(['Processing /wheels/torch-1.13.0-py3-none-any.whl']).detail).toBe('Using torch-1.13.0-py3-none-any.whl');
  });

  it('ignores a progress line with no download and lines it does not know', () => {
    expect(read(['Progress 5 of 10', 'Requirement already satisfied: filelock'])).toEqual(start);
  });
});

describe('pipFailureKind and pipErrorSummary', () => {
  it.each([
    { log: ["WARNING: Retrying … NewConnectionError('<urllib3.connection.HTTPConnection>: Failed to establish a new connection: [Errno 111] Connection refused')"], kind: 'network' },
    { log: ['ERROR: Could not install packages due to an OSError: [Errno 28] No space left on device'], kind: 'disk_full' },
    { log: ['ERROR: Could not install packages due to an OSError: [Errno 27] File too large'], kind: 'disk_full' },
    { log: ['ERROR: torch-2.0.0-py3-none-any.whl is not a valid wheel filename.'], kind: 'install_failed' },
  ])('$kind', ({ log, kind }) => {
    expect(pipFailureKind(log)).toBe(kind);
  });

  it('summarises with pip’s ERROR lines', () => {
    expect(pipErrorSummary(['Collecting torch', 'ERROR: Could not find a version that satisfies the requirement torch', 'ERROR: No matching distribution found for torch'])).toBe(
      'Could not find a version that satisfies the requirement torch No matching distribution found for torch',
    );
    expect(pipErrorSummary(['something odd'])).toBe('something odd');
  });
});
