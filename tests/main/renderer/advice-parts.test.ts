import { describe, expect, it } from 'vitest';
import { splitAdvice, type AdviceBlock } from '../../../src-renderer/src/pages/system/python/advice-parts';

const commands = (advice: string) => splitAdvice(advice).flatMap((block) => (block.kind === 'command' ? [block.text] : []));
const asText = (blocks: AdviceBlock[]) =>
  blocks.map((block) => (block.kind === 'command' ? `$ ${block.text}` : block.spans.map((s) => (s.code ? `\`${s.text}\`` : s.text)).join('')));

describe('splitAdvice', () => {
  it('lifts a command out of its sentence and drops the full stop that ended it', () => {
    const advice = 'On Debian/Ubuntu, for CPU training: sudo apt-get install -y python3-torch libopenblas0-openmp. Then refresh.';
    expect(asText(splitAdvice(advice))).toEqual([
      'On Debian/Ubuntu, for CPU training:',
      '$ sudo apt-get install -y python3-torch libopenblas0-openmp',
      'Then refresh.',
    ]);
  });

  it('splits two commands joined by "and" and stops before a remark in parentheses', () => {
    const advice = 'Create the environment: python3 -m venv "/home/me/.lathe venv" and "/home/me/.lathe venv/bin/python" -m pip install torch (Debian needs python3-venv).';
    expect(asText(splitAdvice(advice))).toEqual([
      'Create the environment:',
      '$ python3 -m venv "/home/me/.lathe venv"',
      'and',
      '$ "/home/me/.lathe venv/bin/python" -m pip install torch',
      '(Debian needs python3-venv).',
    ]);
  });

  it('reads Windows interpreter paths and keeps flags and URLs inside the command', () => {
    const advice = 'Then: py -3 -m venv "C:\\Lathe\\venv" and "C:\\Lathe\\venv\\Scripts\\python.exe" -m pip install torch --index-url https://download.pytorch.org/whl/cu128 (for an NVIDIA GPU).';
    expect(commands(advice)).toEqual([
      'py -3 -m venv "C:\\Lathe\\venv"',
      '"C:\\Lathe\\venv\\Scripts\\python.exe" -m pip install torch --index-url https://download.pytorch.org/whl/cu128',
    ]);
  });

  it('keeps prose that merely mentions a package as prose', () => {
    expect(asText(splitAdvice('Debian/Ubuntu need python3-venv for the first step.'))).toEqual(['Debian/Ubuntu need python3-venv for the first step.']);
  });

  it('keeps backticked text inline and treats a "$ " line as a command', () => {
    expect(asText(splitAdvice('Run `pip install torch` first.\n$ python3 -m pip install torch'))).toEqual([
      'Run `pip install torch` first.',
      '$ python3 -m pip install torch',
    ]);
  });
});
