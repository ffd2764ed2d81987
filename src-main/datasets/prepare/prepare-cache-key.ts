/**
 * Prepared data is reused when everything that shaped it is the same (DESIGN §3): the rows
 * (the dataset hash, which covers the file and the column mapping), the tokenizer (its
 * fingerprint), the template with the BOS/EOS texts it was given, and the options. The
 * algorithm's version is part of the key too, so a change to how masks or splits are made
 * never serves data made the old way.
 */
import { createHash } from 'node:crypto';
import type { PrepareOptions } from '../../contract/dataset-types';

/** Bump when the same inputs would now give different files (masking, truncation, split, format). */
export const PREPARE_ALGORITHM_VERSION = 1;

/** `sha256:` of the template source (null: raw text, no template) and the BOS/EOS texts it renders with. */
export function templateHash(source: string | null, bosToken: string, eosToken: string): string {
  return sha256(JSON.stringify([source, bosToken, eosToken]));
}

export function prepareCacheKey(datasetHash: string, fingerprint: string, templateHashValue: string, options: PrepareOptions): string {
  // Options in a fixed order, so the key does not depend on how the object was built.
  const ordered = [options.maxLength, options.overlong, options.lossOn, options.validationPercent, options.seed, options.dropDuplicates, options.template];
  return sha256(JSON.stringify([PREPARE_ALGORITHM_VERSION, datasetHash, fingerprint, templateHashValue, ordered]));
}

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}
