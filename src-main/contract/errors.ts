/**
 * One error model for everything that crosses the contract: a machine-readable kind and a
 * message a person can act on. Both transports carry it as plain data and the client turns
 * it back into a `LatheError`, so the UI can branch on `kind` and show `message`.
 */
export const ERROR_KINDS = [
  'unknown_call',
  'invalid_input',
  'unauthorized',
  'bad_message',
  'not_found',
  'unavailable',
  'corrupt',
  'unwritable',
  'too_new',
  /** A file that is not what it claims (a damaged GGUF, a dataset that does not parse). */
  'invalid_file',
  /** Valid, but something Lathe does not handle yet (a tensor type, an architecture). */
  'unsupported',
  'cancelled',
  'internal',
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface ErrorPayload {
  kind: ErrorKind;
  message: string;
  /** Extra facts for logs and details panes (a file path, the failing field…). */
  detail?: string;
}

export class LatheError extends Error {
  readonly kind: ErrorKind;
  readonly detail?: string;

  constructor(kind: ErrorKind, message: string, detail?: string) {
    super(message);
    this.name = 'LatheError';
    this.kind = kind;
    if (detail !== undefined) this.detail = detail;
  }

  toPayload(): ErrorPayload {
    return this.detail === undefined
      ? { kind: this.kind, message: this.message }
      : { kind: this.kind, message: this.message, detail: this.detail };
  }

  static fromPayload(payload: ErrorPayload): LatheError {
    return new LatheError(payload.kind, payload.message, payload.detail);
  }
}

/** Any thrown value as a payload: our errors keep their kind, anything else is `internal`. */
export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof LatheError) return error.toPayload();
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'internal', message: `Unexpected error: ${message}` };
}

export function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === 'string' && (ERROR_KINDS as readonly string[]).includes(value);
}
