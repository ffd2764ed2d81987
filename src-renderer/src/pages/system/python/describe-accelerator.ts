import type { PythonReport } from '../../../../../src-main/contract';

/** How torch will compute, in words: CUDA with its devices, Apple's MPS, or the CPU alone. */
export function describeAccelerator(report: PythonReport): string {
  if (report.cuda.available) {
    const version = report.cuda.version === null ? 'CUDA' : `CUDA ${report.cuda.version}`;
    return report.cuda.devices.length > 0 ? `${version} · ${report.cuda.devices.join(', ')}` : version;
  }
  if (report.mps) return 'Apple MPS';
  return 'CPU only';
}
