/** Reads the recorded-shape nvidia-smi outputs in tests/fixtures/nvidia-smi (see its README). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const folder = fileURLToPath(new URL('../../fixtures/nvidia-smi/', import.meta.url));

export function nvidiaSmiFixture(name: string): string {
  return readFileSync(folder + name, 'utf8');
}
