/**
 * One entry point over the readers: the records of a file, given its layout (from
 * `detectFormat`, or an earlier inspection). Every later read of a dataset goes through the
 * layout the inspection chose, so the preview and preparation see the same rows the
 * inspection counted.
 */
import { LatheError } from '../../contract/errors';
import { readCsv } from './read-csv';
import { readJson } from './read-json';
import { readJsonl } from './read-jsonl';
import { readParquet } from './read-parquet';
import { readText } from './read-text';
import type { DatasetLayout, ReadBatch, ReadOptions } from './read-types';

export function readDatasetRecords(path: string, layout: DatasetLayout, options: ReadOptions = {}): AsyncGenerator<ReadBatch> {
  switch (layout.format) {
    case 'jsonl':
      return readJsonl(path, options);
    case 'json':
      return readJson(path, options);
    case 'parquet':
      return readParquet(path, options);
    case 'csv':
      if (layout.csv === null) throw new LatheError('invalid_input', 'A CSV dataset needs its dialect (separator and header).');
      return readCsv(path, layout.csv, options);
    case 'text':
      if (layout.textSplit !== 'paragraphs' && layout.textSplit !== 'lines') {
        throw new LatheError('invalid_input', 'A text dataset needs its split: `paragraphs` or `lines`.');
      }
      return readText(path, layout.textSplit, options);
  }
}
