/**
 * The two ways an upload chunk is refused that a client can recover from on its own, typed
 * so the HTTP route can answer 409 and 413 (the contract's error kinds have no `conflict`).
 */
import { LatheError } from '../contract';

/** The chunk does not start where the upload stands; resume from `receivedBytes`. */
export class UploadOffsetConflict extends LatheError {
  constructor(
    readonly receivedBytes: number,
    why = `This upload has ${receivedBytes} bytes; send the next chunk from there.`,
  ) {
    super('invalid_input', why);
    this.name = 'UploadOffsetConflict';
  }
}

/** The chunk would run past the size declared when the upload began, or past the chunk limit. */
export class UploadTooLarge extends LatheError {
  constructor(message: string) {
    super('invalid_input', message);
    this.name = 'UploadTooLarge';
  }
}
