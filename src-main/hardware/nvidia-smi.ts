/**
 * Reading nvidia-smi's output: pure functions, no process is run here (see
 * nvidia-smi-runner.ts for that). nvidia-smi's text formats are not promised to stay
 * stable across drivers, so the parser is strict: output of a shape it does not know is an
 * error with the offending line, never a GPU list made of misread numbers.
 */
import { LatheError } from '../contract/errors';
import type { GpuInfo } from '../contract/system-types';

/**
 * The `--query-gpu` fields, in output order: all listed by `nvidia-smi --help-query-gpu` since
 * driver 418 at least. There is no CUDA version field; it comes from the plain header
 * (`parseCudaVersionFromHeader`).
 */
export const NVIDIA_QUERY_FIELDS = [
  'index',
  'name',
  'memory.total',
  'memory.used',
  'driver_version',
  'utilization.gpu',
  'temperature.gpu',
  'power.draw',
  'power.limit',
] as const;

export function nvidiaSmiQueryArgs(): string[] {
  return [`--query-gpu=${NVIDIA_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];
}

type QueryField = (typeof NVIDIA_QUERY_FIELDS)[number];
type QueryRow = Record<QueryField, string | null>;

/**
 * One GPU per line. The CUDA version is not part of the query, so every GPU comes back with
 * `cudaVersion: null` for the caller to fill in. Empty output is an empty list.
 *
 * Throws `LatheError('unavailable')` naming the line when a line does not have exactly one
 * value per field (nvidia-smi does not quote, so a value containing ", " cannot be told
 * apart from two values), or when a number field holds anything but a plain number.
 */
export function parseNvidiaSmiCsv(text: string): GpuInfo[] {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  const gpus: GpuInfo[] = [];
  lines.forEach((line, i) => {
    if (line === '') return;
    gpus.push(gpuFromRow(splitRow(line, i + 1), line, i + 1));
  });
  return gpus;
}

function splitRow(line: string, lineNumber: number): QueryRow {
  const values = line.split(', ');
  if (values.length !== NVIDIA_QUERY_FIELDS.length) {
    throw unreadable(`line ${lineNumber} has ${values.length} values where ${NVIDIA_QUERY_FIELDS.length} were asked for`, line);
  }
  const row = {} as QueryRow;
  NVIDIA_QUERY_FIELDS.forEach((field, i) => {
    row[field] = valueOrNull(values[i] ?? '');
  });
  return row;
}

/**
 * nvidia-smi prints a bracketed word where a board cannot report a value: `[N/A]`,
 * `[Not Supported]` (older drivers), `[Unknown Error]`, `[Insufficient Permissions]`.
 * Some fields print a bare `N/A`.
 */
function valueOrNull(raw: string): string | null {
  const value = raw.trim();
  if (value === '' || value === 'N/A' || /^\[[^\]]*\]$/.test(value)) return null;
  return value;
}

function gpuFromRow(row: QueryRow, line: string, lineNumber: number): GpuInfo {
  const number = (field: QueryField): number | null => {
    const value = row[field];
    if (value === null) return null;
    // Strict on purpose: Number.parseFloat('24564 MiB') is 24564 and would hide a changed format.
    if (!/^-?\d+(\.\d+)?$/.test(value)) {
      throw unreadable(`line ${lineNumber}: ${field} is "${value}", not a number`, line);
    }
    return Number(value);
  };
  const index = number('index');
  if (index === null || !Number.isInteger(index) || index < 0) {
    throw unreadable(`line ${lineNumber} has no GPU index`, line);
  }
  return {
    index,
    vendor: 'nvidia',
    name: row.name ?? `NVIDIA GPU ${index}`,
    memoryTotalMb: number('memory.total'),
    memoryUsedMb: number('memory.used'),
    driverVersion: row.driver_version,
    cudaVersion: null,
    utilizationPercent: number('utilization.gpu'),
    temperatureC: number('temperature.gpu'),
    powerDrawW: number('power.draw'),
    powerLimitW: number('power.limit'),
  };
}

function unreadable(problem: string, line: string): LatheError {
  return new LatheError('unavailable', `nvidia-smi printed output Lathe cannot read: ${problem}.`, line);
}

/**
 * The highest CUDA version the driver supports, from plain `nvidia-smi` output (or
 * `nvidia-smi -q`). Drivers 410 to 5xx print `CUDA Version: 12.4`; drivers from 610 print
 * `CUDA UMD Version: 13.3`; drivers before 410 print none. Null when absent or `N/A`.
 */
export function parseCudaVersionFromHeader(text: string): string | null {
  const match = /CUDA (?:UMD )?Version\s*:\s*(\d+(?:\.\d+)+)/.exec(text);
  return match?.[1] ?? null;
}
