/**
 * Splits the Python service's advice into what to read and what to type. The advice is
 * prose with commands inline ("…for CPU training: sudo apt-get install -y python3-torch.
 * For an NVIDIA GPU…"); each command becomes a block of its own, shown in monospace so it
 * can be selected and copied whole. Text in backticks stays inline, as code.
 */
export interface AdviceSpan {
  code: boolean;
  text: string;
}

export type AdviceBlock = { kind: 'text'; spans: AdviceSpan[] } | { kind: 'command'; text: string };

// How commands a person would paste begin: a package manager, an interpreter running a
// module, or a quoted interpreter path ("venv/bin/python" -m …).
const COMMAND_START =
  /(?:\$ |sudo |py -3? ?-m |py -3 |python3? -m |pip3? install |"[^"]*python(?:3|\.exe)?" -m |apt(?:-get)? install |dnf install |pacman -S |brew install |winget install |conda install |uv (?:pip|venv) )/y;

// Where an inline command stops: the end of its sentence, a second command after "and", or
// a remark in parentheses.
const COMMAND_END = [' and ', ' (', ' then ', ', then ', '; '];

export function splitAdvice(advice: string): AdviceBlock[] {
  const blocks: AdviceBlock[] = [];
  for (const line of advice.split(/\r?\n/)) {
    let afterCommand = false;
    for (const piece of splitLine(line.trim())) {
      if (piece.kind === 'command') {
        blocks.push(piece);
        afterCommand = true;
        continue;
      }
      // The full stop that ended a command's sentence has nothing left to end once the
      // command sits in a block of its own.
      const spans = afterCommand ? dropLeadingStop(piece.spans) : piece.spans;
      const trimmed = trimSpans(spans);
      if (trimmed.length > 0) blocks.push({ kind: 'text', spans: trimmed });
      afterCommand = false;
    }
  }
  return blocks;
}

/** One line as alternating text and command pieces. */
function splitLine(line: string): AdviceBlock[] {
  const pieces: AdviceBlock[] = [];
  let spans: AdviceSpan[] = [];
  const flush = () => {
    if (spans.length > 0) pieces.push({ kind: 'text', spans });
    spans = [];
  };
  // Odd-numbered backtick pieces are inline code; with an unmatched backtick, ignore them all.
  const ticked = line.split('`');
  const parts = ticked.length % 2 === 1 ? ticked.map((text, i) => ({ code: i % 2 === 1, text })) : [{ code: false, text: line }];
  for (const part of parts) {
    if (part.code) {
      spans.push(part);
      continue;
    }
    for (const found of findCommands(part.text)) {
      if (found.command) {
        flush();
        pieces.push({ kind: 'command', text: found.text });
      } else {
        spans.push({ code: false, text: found.text });
      }
    }
  }
  flush();
  return pieces;
}

function findCommands(text: string): { command: boolean; text: string }[] {
  const found: { command: boolean; text: string }[] = [];
  let proseStart = 0;
  let i = 0;
  while (i < text.length) {
    if (startsCommand(text, i)) {
      const end = commandEnd(text, i);
      found.push({ command: false, text: text.slice(proseStart, i) }, { command: true, text: text.slice(i, end).replace(/^\$ /, '') });
      i = end;
      proseStart = end;
    } else {
      i += 1;
    }
  }
  found.push({ command: false, text: text.slice(proseStart) });
  return found.filter((piece) => piece.text.trim() !== '');
}

function startsCommand(text: string, at: number): boolean {
  const before = at === 0 ? ' ' : text.charAt(at - 1);
  if (!/[\s(:]/.test(before)) return false;
  COMMAND_START.lastIndex = at;
  return COMMAND_START.test(text);
}

/** Index just past the command starting at `start`; quoted parts (paths) are never split. */
function commandEnd(text: string, start: number): number {
  let quoted = false;
  for (let j = start; j < text.length; j += 1) {
    const char = text.charAt(j);
    if (char === '"') quoted = !quoted;
    if (quoted) continue;
    if (char === '.' && (j + 1 === text.length || text.charAt(j + 1) === ' ')) return j;
    if (COMMAND_END.some((marker) => text.startsWith(marker, j))) return j;
  }
  return text.length;
}

function dropLeadingStop(spans: AdviceSpan[]): AdviceSpan[] {
  const [first, ...rest] = spans;
  if (first === undefined || first.code) return spans;
  return [{ code: false, text: first.text.replace(/^\s*\.\s*/, '') }, ...rest];
}

function trimSpans(spans: AdviceSpan[]): AdviceSpan[] {
  const out = spans.map((span) => ({ ...span }));
  const first = out[0];
  const last = out.at(-1);
  if (first !== undefined && !first.code) first.text = first.text.trimStart();
  if (last !== undefined && !last.code) last.text = last.text.trimEnd();
  return out.filter((span) => span.text !== '');
}
