/**
 * Whether a chat template can only print message contents as they are — never test, filter,
 * trim, measure or pass them on. For such a template (ChatML, Phi-3, SmolLM…) the rendering
 * of a conversation is its skeleton (the same roles rendered with sentinels, template-turns.ts)
 * with each sentinel replaced by the content, so the Jinja engine need not run per row: it
 * costs about 25 µs a message, a quarter of preparing's time.
 *
 * The check walks the parsed template and accepts only constructs it knows cannot reach a
 * content except to print it: `message.content` (or `['content']`) may appear only where its
 * value goes straight to the output, alone or joined with `+` / `~` (a ternary's branches
 * count); a message only as the `for` loop's variable or `messages[<number>]`, always followed
 * by `.role` or `.content`; `messages` only as the loop's list or in `messages | length`; `loop`
 * only for its counters and first/last (its previtem/nextitem are messages). Anything it does not know
 * (macros, filters on contents, `'content'` as a string, `messages[1:]`, a newer engine's
 * nodes) makes the answer false, and the template is simply rendered per row. ChatTemplate also
 * renders the first conversations both ways and drops the shortcut at the first difference.
 */

type Node = { type: string } & Record<string, unknown>;

const CONTENT = 'content';
/** Operators that join strings: a content under them still only reaches the output. */
const JOINING: ReadonlySet<string> = new Set(['+', '~']);
/** What a template may read from `loop`: not `previtem` / `nextitem`, which are messages, nor `loop` itself, which holds them. */
const LOOP_FIELDS: ReadonlySet<string> = new Set(['index', 'index0', 'revindex', 'revindex0', 'first', 'last', 'length']);
/** Functions a template may call on content-free arguments. */
const CALLABLE: ReadonlySet<string> = new Set(['raise_exception', 'range', 'namespace']);

export function printsContentVerbatim(program: unknown): boolean {
  const loopVariables = new Set<string>();
  return isNode(program) && program.type === 'Program' && statements(program.body, loopVariables);
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

function statements(list: unknown, loopVariables: Set<string>): boolean {
  return Array.isArray(list) && list.every((item) => statement(item, loopVariables));
}

function statement(node: unknown, loopVariables: Set<string>): boolean {
  if (!isNode(node)) return false;
  switch (node.type) {
    case 'Comment':
    case 'Break':
    case 'Continue':
      return true;
    case 'If':
      return expression(node.test, loopVariables, false) && statements(node.body, loopVariables) && statements(node.alternate, loopVariables);
    case 'For': {
      const loopvar = node.loopvar;
      if (!isNode(loopvar) || loopvar.type !== 'Identifier' || typeof loopvar.value !== 'string' || loopvar.value === CONTENT) return false;
      const overMessages = isNode(node.iterable) && node.iterable.type === 'Identifier' && node.iterable.value === 'messages';
      if (overMessages) loopVariables.add(loopvar.value);
      else if (loopVariables.has(loopvar.value) || !expression(node.iterable, loopVariables, false)) return false;
      return statements(node.body, loopVariables) && statements(node.defaultBlock, loopVariables);
    }
    case 'SetStatement': {
      const assignee = node.assignee;
      const plainName = isNode(assignee) && assignee.type === 'Identifier' && typeof assignee.value === 'string' && assignee.value !== CONTENT && !loopVariables.has(assignee.value);
      return plainName && (node.value === null || expression(node.value, loopVariables, false)) && statements(node.body, loopVariables);
    }
    default:
      // Any other statement is an expression whose value is printed.
      return expression(node, loopVariables, true);
  }
}

/** `printed`: this value goes straight to the output, so a content may stand here. */
function expression(node: unknown, loopVariables: Set<string>, printed: boolean): boolean {
  if (!isNode(node)) return false;
  const within = (child: unknown, childPrinted = false): boolean => expression(child, loopVariables, childPrinted);
  switch (node.type) {
    case 'StringLiteral':
      return node.value !== CONTENT;
    case 'IntegerLiteral':
    case 'FloatLiteral':
      return true;
    case 'Identifier':
      return typeof node.value === 'string' && ![CONTENT, 'messages', 'loop'].includes(node.value) && !loopVariables.has(node.value);
    case 'MemberExpression': {
      const field = fieldName(node);
      if (isMessage(node.object, loopVariables)) return field === 'role' || (field === CONTENT && printed);
      if (isNode(node.object) && node.object.type === 'Identifier' && node.object.value === 'loop') return field !== null && node.computed !== true && LOOP_FIELDS.has(field);
      if (field === CONTENT) return false;
      return within(node.object) && (node.computed !== true || within(node.property));
    }
    case 'BinaryExpression': {
      const joins = isNode(node.operator) && typeof node.operator.value === 'string' && JOINING.has(node.operator.value);
      return within(node.left, joins && printed) && within(node.right, joins && printed);
    }
    case 'UnaryExpression':
      return within(node.argument);
    case 'Ternary':
      return within(node.condition) && within(node.trueExpr, printed) && within(node.falseExpr, printed);
    case 'TestExpression':
      return within(node.operand);
    case 'FilterExpression': {
      const filter = node.filter;
      const messageCount = isNode(node.operand) && node.operand.type === 'Identifier' && node.operand.value === 'messages';
      if (isNode(filter) && filter.type === 'Identifier') return messageCount ? filter.value === 'length' : within(node.operand);
      return !messageCount && within(node.operand) && isNode(filter) && filter.type === 'CallExpression' && Array.isArray(filter.args) && filter.args.every((arg) => within(arg));
    }
    case 'CallExpression': {
      const callee = node.callee;
      const known = isNode(callee) && callee.type === 'Identifier' && typeof callee.value === 'string' && CALLABLE.has(callee.value);
      return known && Array.isArray(node.args) && node.args.every((arg) => within(arg));
    }
    case 'KeywordArgumentExpression':
      return within(node.value);
    case 'ArrayLiteral':
    case 'TupleLiteral':
      return Array.isArray(node.value) && node.value.every((item) => within(item));
    default:
      return false;
  }
}

/** A loop variable over `messages`, or `messages[<number>]`. */
function isMessage(node: unknown, loopVariables: Set<string>): boolean {
  if (!isNode(node)) return false;
  if (node.type === 'Identifier') return typeof node.value === 'string' && loopVariables.has(node.value);
  return (
    node.type === 'MemberExpression' &&
    node.computed === true &&
    isNode(node.object) &&
    node.object.type === 'Identifier' &&
    node.object.value === 'messages' &&
    isNode(node.property) &&
    node.property.type === 'IntegerLiteral'
  );
}

/** The property of `x.name` or `x['name']`, or null for a computed key that is not a string literal. */
function fieldName(node: Node): string | null {
  const property = node.property;
  if (!isNode(property)) return null;
  if (node.computed !== true && property.type === 'Identifier' && typeof property.value === 'string') return property.value;
  if (node.computed === true && property.type === 'StringLiteral' && typeof property.value === 'string') return property.value;
  return null;
}
