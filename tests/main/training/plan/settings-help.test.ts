/** Every run setting has a label and one plain sentence of help for the wizard's advanced panel. */
import { describe, expect, it } from 'vitest';
import { RUN_SETTING_HELP } from '../../../../src-main/contract';
import { planRun } from '../../../../src-main/training/plan';
import { inputs } from './plan-fixtures';

/** The paths of every leaf of a settings object (arrays, like the targets, are leaves). */
function leafPaths(value: object, prefix = ''): string[] {
  return Object.entries(value).flatMap(([key, inner]) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? leafPaths(inner as object, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

describe('RUN_SETTING_HELP', () => {
  const leaves = leafPaths(planRun(inputs()).settings);

  it('has an entry for every RunSettings leaf, and no others', () => {
    expect(leaves).toHaveLength(24);
    expect(Object.keys(RUN_SETTING_HELP).sort()).toEqual([...leaves].sort());
  });

  it('gives each a short label and a single plain sentence', () => {
    for (const [path, { label, help }] of Object.entries(RUN_SETTING_HELP)) {
      expect(label.length, path).toBeGreaterThan(2);
      expect(label.length, path).toBeLessThanOrEqual(30);
      expect(help, path).toMatch(/^[A-Z][^.!?]*(\.[a-z0-9][^.!?]*)*\.$/); // one sentence ("llama.cpp"-style dots allowed)
      expect(help.length, path).toBeLessThanOrEqual(140);
    }
  });
});
