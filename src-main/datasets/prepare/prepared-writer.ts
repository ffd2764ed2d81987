/**
 * In the main process: the workers' batches, taken strictly in row order, become the prepared
 * files. Here the decisions that need every row are made — exact duplicates (by the digests the
 * workers made), the split by row number, the length statistics — so the files are the same
 * whatever the number of workers. Writing is asynchronous (prepared-files.ts).
 */
import type { PrepareOptions, RowProblem, TokenLengthStats } from '../../contract/dataset-types';
import { DIGEST_BYTES, ROW_INVALID, ROW_TOO_LONG, type MadeBatch } from './example-maker';
import { isValidationExample } from './example-split';
import { LengthRecorder } from './length-stats';
import { SplitWriter, type SplitCounts, type SplitName } from './prepared-files';
import { SeenDigests } from './seen-digests';

export interface PreparationOutcome {
  rows: number;
  splits: Record<SplitName, SplitCounts>;
  /** Full lengths (before truncation) of every row that became tokens. */
  lengths: TokenLengthStats;
  /** Examples longer than maxLength (truncated or dropped). */
  overlong: number;
  dropped: { overlong: number; duplicates: number; invalid: number };
  /** Why rows were dropped as invalid, the first MAX_PROBLEMS of them. */
  problems: RowProblem[];
}

export const MAX_PROBLEMS = 1000;

export class PreparedWriter {
  private readonly lengths = new LengthRecorder();
  private readonly seen: SeenDigests | null;
  private readonly problems: RowProblem[] = [];
  private readonly dropped = { overlong: 0, duplicates: 0, invalid: 0 };
  private overlong = 0;
  private rows = 0;
  private tokens = 0;

  private constructor(
    private readonly writers: Record<SplitName, SplitWriter>,
    private readonly options: PrepareOptions,
  ) {
    this.seen = options.dropDuplicates ? new SeenDigests() : null;
  }

  static async create(dir: string, options: PrepareOptions): Promise<PreparedWriter> {
    const [train, validation] = await Promise.all([SplitWriter.create(dir, 'train'), SplitWriter.create(dir, 'validation')]);
    return new PreparedWriter({ train: train as SplitWriter, validation: validation as SplitWriter }, options);
  }

  /** Rows taken so far, and tokens written. */
  get progress(): { rows: number; tokens: number } {
    return { rows: this.rows, tokens: this.tokens };
  }

  /** The batch made from rows with these `lines`, in the order they were read. */
  async add(lines: readonly number[], batch: MadeBatch): Promise<void> {
    const { maxLength, seed, validationPercent } = this.options;
    let problem = 0;
    let kept = 0;
    let at = 0;
    for (let index = 0; index < lines.length; index++) {
      this.rows++;
      const line = lines[index] as number;
      const outcome = batch.outcomes[index];
      if (outcome === ROW_INVALID) {
        this.dropped.invalid++;
        const reason = batch.problems[problem++]?.reason ?? 'the row could not be prepared';
        if (this.problems.length < MAX_PROBLEMS) this.problems.push({ line, reason });
        continue;
      }
      const fullLength = batch.fullLengths[index] as number;
      this.lengths.add(fullLength);
      if (fullLength > maxLength) this.overlong++;
      if (outcome === ROW_TOO_LONG) {
        this.dropped.overlong++;
        continue;
      }
      const length = batch.keptLengths[kept] as number;
      const ids = batch.ids.subarray(at, at + length);
      const mask = batch.mask.subarray(at, at + length);
      at += length;
      const digestAt = kept++ * DIGEST_BYTES;
      if (this.seen !== null && batch.digests !== null && !this.seen.add(batch.digests, digestAt)) {
        this.dropped.duplicates++;
        continue;
      }
      await this.writers[isValidationExample(line, seed, validationPercent) ? 'validation' : 'train'].add(ids, mask);
      this.tokens += length;
    }
  }

  async finish(): Promise<PreparationOutcome> {
    const [train, validation] = await Promise.all([this.writers.train.close(), this.writers.validation.close()]);
    return {
      rows: this.rows,
      splits: { train: train as SplitCounts, validation: validation as SplitCounts },
      lengths: this.lengths.stats(),
      overlong: this.overlong,
      dropped: { ...this.dropped },
      problems: this.problems,
    };
  }

  /** Closes the files without finishing them (the folder is about to be removed). */
  async abandon(): Promise<void> {
    await Promise.all([this.writers.train.abandon(), this.writers.validation.abandon()]);
  }
}
