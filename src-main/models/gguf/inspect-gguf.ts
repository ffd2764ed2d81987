/**
 * One call for what listing a model needs: its header and the facts drawn from it. The
 * vocabulary and merges stay undecoded (`GgufLazyStringArray`): the facts need only their
 * length, and decoding 300,000 short strings would take most of the time the read does.
 */
import { basename } from 'node:path';
import type { ModelFacts } from '../../contract/model-types';
import type { GgufHeader } from './gguf-types';
import { modelFactsFromHeader } from './model-facts';
import { readGgufHeader } from './read-gguf-header';

/** String arrays up to this long (tags, languages, small vocabularies) are decoded as usual. */
const DECODE_STRING_ARRAYS_UP_TO = 1024;

export async function inspectGguf(path: string): Promise<{ header: GgufHeader; facts: ModelFacts }> {
  const header = await readGgufHeader(path, { decodeStringArraysUpTo: DECODE_STRING_ARRAYS_UP_TO });
  return { header, facts: modelFactsFromHeader(header, basename(path)) };
}
