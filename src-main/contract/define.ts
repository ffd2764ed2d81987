/**
 * Building blocks of the contract: a call is a request with a validated input and a typed
 * answer; a stream is a subscription with a validated input and a typed event. The output
 * and event types exist only for TypeScript (the main process produces them), while the
 * input schemas are checked at runtime on the main side for every request.
 */
import type { z } from 'zod';

export interface CallSpec<I extends z.ZodType, O> {
  readonly kind: 'call';
  readonly input: I;
  /** Phantom field: carries the output type, never read at runtime. */
  readonly output?: O;
}

export interface StreamSpec<I extends z.ZodType, E> {
  readonly kind: 'stream';
  readonly input: I;
  /** Phantom field: carries the event type, never read at runtime. */
  readonly event?: E;
}

// `any` is needed here so that any concrete spec is assignable to the union.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySpec = CallSpec<z.ZodType, any> | StreamSpec<z.ZodType, any>;

export function call<I extends z.ZodType>(input: I) {
  return { returns: <O>(): CallSpec<I, O> => ({ kind: 'call', input }) };
}

export function stream<I extends z.ZodType>(input: I) {
  return { emits: <E>(): StreamSpec<I, E> => ({ kind: 'stream', input }) };
}

/** Contract names are `domain.verb`; the API object is nested the same way. */
export type ContractShape = Record<`${string}.${string}`, AnySpec>;

type DomainOf<K> = K extends `${infer D}.${string}` ? D : never;
type VerbOf<K, D extends string> = K extends `${D}.${infer V}` ? V : never;

export type InputOf<S> = S extends { input: infer I extends z.ZodType } ? z.input<I> : never;
export type ParsedInputOf<S> = S extends { input: infer I extends z.ZodType } ? z.output<I> : never;
export type OutputOf<S> = S extends CallSpec<z.ZodType, infer O> ? O : never;
export type EventOf<S> = S extends StreamSpec<z.ZodType, infer E> ? E : never;

export type Unsubscribe = () => void;

/** What one contract entry looks like to the renderer. */
export type ClientFn<S> =
  S extends CallSpec<z.ZodType, infer O>
    ? (input: InputOf<S>) => Promise<O>
    : S extends StreamSpec<z.ZodType, infer E>
      ? (input: InputOf<S>, onEvent: (event: E) => void, onError?: (error: unknown) => void) => Unsubscribe
      : never;

/** `window.lathe`: `{ system: { info(input), watchUsage(input, onEvent) } }`. */
export type ApiOf<C extends ContractShape> = {
  [D in DomainOf<keyof C>]: {
    [V in VerbOf<keyof C, D>]: ClientFn<C[`${D}.${V}`]>;
  };
};

/** What the main process implements for each entry. */
export type HandlerFn<S> =
  S extends CallSpec<z.ZodType, infer O>
    ? (input: ParsedInputOf<S>) => Promise<O> | O
    : S extends StreamSpec<z.ZodType, infer E>
      ? (input: ParsedInputOf<S>, emit: (event: E) => void) => Unsubscribe | Promise<Unsubscribe>
      : never;

export type HandlersOf<C extends ContractShape> = { [K in keyof C]: HandlerFn<C[K]> };
