/**
 * The preparing worker's entry (built to out/main/dataset-prepare-worker.js, started by
 * `PrepareWorker` with `fork`). It renders and tokenizes rows off the main process — the
 * window stays responsive, and llama.cpp aborting on a bad file ends this process, not the
 * app. Several may run side by side on one preparation, each making examples from the batches
 * it is given; the main process writes them. Messages are handled strictly in order.
 */
import { toErrorPayload } from '../../contract';
import { makeBatch, type ExampleMakerSetup } from './example-maker';
import { openTokenizingSession, previewExample } from './tokenizing-session';
import { toWorkerSchema, type FromWorker, type ToWorker } from './worker-protocol';

let maker: ExampleMakerSetup | null = null;
let queue: Promise<void> = Promise.resolve();

function send(message: FromWorker): void {
  process.send?.(message);
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'prepare': {
      const session = await openTokenizingSession(message.setup);
      maker = { renderSpans: session.renderSpans, tokenizer: session.tokenizer, options: message.setup.options };
      send({ type: 'ready' });
      return;
    }
    case 'rows': {
      if (maker === null) throw new Error('rows arrived before prepare');
      send({ type: 'made', seq: message.seq, batch: makeBatch(message.rows, maker) });
      return;
    }
    case 'render': {
      const preview = await openTokenizingSession(message.setup);
      send({ type: 'rendered', examples: message.rows.map((row) => previewExample(preview, row)) });
      return;
    }
  }
}

process.on('message', (raw: unknown) => {
  const parsed = toWorkerSchema.safeParse(raw);
  if (!parsed.success) {
    send({ type: 'failed', error: { kind: 'internal', message: `The preparing worker got a malformed message: ${parsed.error.message}` } });
    return;
  }
  queue = queue
    .then(() => handle(parsed.data))
    .catch((error: unknown) => send({ type: 'failed', error: toErrorPayload(error) }));
});

// Without a parent there is nobody to answer: leave rather than linger.
process.on('disconnect', () => process.exit(0));
