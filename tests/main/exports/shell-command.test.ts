/** Command lines for people to paste: quoting per platform, and Ollama model names. */
import { describe, expect, it } from 'vitest';
import { commandLine, ollamaModelName, quoteArgument } from '../../../src-main/exports/shell-command';

describe('quoteArgument', () => {
  it('leaves plain paths alone and single-quotes the rest on POSIX', () => {
    expect(quoteArgument('/home/me/models/base.gguf', 'linux')).toBe('/home/me/models/base.gguf');
    expect(quoteArgument('/home/me/My Models/base.gguf', 'darwin')).toBe("'/home/me/My Models/base.gguf'");
    expect(quoteArgument("/tmp/it's here", 'linux')).toBe("'/tmp/it'\\''s here'");
    expect(quoteArgument('$HOME', 'linux')).toBe("'$HOME'");
    expect(quoteArgument('', 'linux')).toBe("''");
  });

  it('double-quotes on Windows', () => {
    expect(quoteArgument('C:\\models\\base.gguf', 'win32')).toBe('C:\\models\\base.gguf');
    expect(quoteArgument('C:\\Users\\Me\\My Models\\base.gguf', 'win32')).toBe('"C:\\Users\\Me\\My Models\\base.gguf"');
    expect(quoteArgument('a&b', 'win32')).toBe('"a&b"');
  });

  it('joins a command line', () => {
    expect(commandLine(['llama-server', '-m', '/m/base.gguf', '--lora', '/r/my run.lora.gguf'], 'linux')).toBe("llama-server -m /m/base.gguf --lora '/r/my run.lora.gguf'");
  });
});

describe('ollamaModelName', () => {
  it('keeps what Ollama accepts in a name', () => {
    expect(ollamaModelName('Demo: sample answers')).toBe('demo-sample-answers');
    expect(ollamaModelName('Qwen2.5 0.5B on my_data')).toBe('qwen2.5-0.5b-on-my_data');
    expect(ollamaModelName('!!!')).toBe('lathe-adapter');
  });
});
