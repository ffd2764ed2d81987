/**
 * `lathe model inspect` and `lathe dataset inspect`: read one file and print what it holds.
 * A file that is not what it claims is invalid input — exit 2 with the reader's typed error
 * (as JSON when asked for JSON); any other failure propagates.
 */
import { resolve } from 'node:path';
import { LatheError } from '../contract';
import type { CliContext } from './main';

export interface InspectionPrinter<T> {
  read(path: string): Promise<T>;
  asJson(result: T): unknown;
  describe(result: T): string;
}

export async function printInspection<T>(file: string, json: boolean, context: CliContext, printer: InspectionPrinter<T>): Promise<number> {
  try {
    const result = await printer.read(resolve(file));
    context.out(json ? JSON.stringify(printer.asJson(result), null, 2) : printer.describe(result));
    return 0;
  } catch (error) {
    if (!(error instanceof LatheError)) throw error;
    if (json) context.out(JSON.stringify({ error: error.toPayload() }, null, 2));
    process.stderr.write(`lathe: ${error.message}\n`);
    return 2;
  }
}
