/**
 * `lathe train`: one fine-tune from the command line, through the same training service the
 * window uses. Files given as --model / --dataset are added to the library first. The plan
 * (settings, memory verdict) is printed before anything starts, and a plan with problems is
 * refused with all of them listed (exit 2). Then a progress bar (or, with --json, the run's
 * events.jsonl line by line) until the run ends; the adapter's path is printed last.
 * Exit codes: 0 completed, 1 failed, 2 bad input, 130 stopped with Ctrl-C (resumable).
 */
import { join } from 'node:path';
import { LatheError, type RunEntry, type RunPlan, type RunRequest } from '../contract';
import type { LatheServices } from '../app/lathe-services';
import { formatBytes } from '../training/memory-units';
import { withCliServices } from './cli-services';
import { datasetFor, modelFor } from './dataset-command';
import { ProgressBar } from './progress-bar';
import { copyAdapterOut, EVENTS_FILE, followLines } from './run-files';
import { parseTrainArgs, TRAIN_USAGE } from './train-args';
import type { CliContext } from './main';

export async function runTrain(argv: string[], context: CliContext): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    context.out(TRAIN_USAGE);
    return 0;
  }
  const args = parseTrainArgs(argv);
  return withCliServices(context, async (services) => {
    const model = await modelFor(services, args.model);
    const dataset = await datasetFor(services, args.dataset);
    const request: RunRequest = { modelId: model.id, datasetId: dataset.id, preset: args.preset, settings: args.settings };
    // With --json stdout carries only events; what a person reads goes to stderr.
    const say = args.json ? (text: string) => process.stderr.write(`${text}\n`) : context.out;
    const plan = await services.runs.plan(request);
    say(describePlan(plan));
    if (plan.problems.length > 0) {
      process.stderr.write(`\nThe run cannot start:\n${plan.problems.map((problem) => `  - ${problem}`).join('\n')}\n`);
      return 2;
    }
    const run = await trainToEnd(services, request, { json: args.json, say });
    return reportEnd(run, args.out, say);
  });
}

export interface TrainToEndOptions {
  /** Print the run's events.jsonl lines to stdout instead of drawing progress. */
  json: boolean;
  say: (text: string) => void;
}

/**
 * Starts the run and follows it to its end. The first Ctrl-C stops it after a checkpoint; a
 * second ends this process at once (the runtime, seeing its stdin close, still stops cleanly).
 */
export async function trainToEnd(services: LatheServices, request: RunRequest, options: TrainToEndOptions): Promise<RunEntry> {
  const started = await services.runs.startRun(request);
  const bar = options.json ? null : new ProgressBar({ write: (text) => process.stderr.write(text), columns: process.stderr.columns, isTTY: process.stderr.isTTY === true });
  let tokensPerSecond: number | null = null;
  const stopFollowing = services.runs.subscribe((event) => {
    if (bar === null) return;
    if (event.type === 'metrics' && event.id === started.id && event.train) tokensPerSecond = event.train.tokensPerSecond;
    if (event.type === 'changed' && event.run.id === started.id) {
      const { run } = event;
      bar.update({
        step: run.step,
        total: run.totalSteps,
        loss: run.trainLoss,
        tokensPerSecond,
        etaSeconds: run.etaSeconds,
        ...(run.status === 'running' ? {} : { status: run.status }),
      });
    }
  });
  const events = options.json ? followLines(join(started.dir, EVENTS_FILE), (line) => process.stdout.write(`${line}\n`)) : null;

  let interrupts = 0;
  const onInterrupt = (): void => {
    interrupts += 1;
    if (interrupts === 1) {
      bar?.done();
      options.say('Stopping after a checkpoint… (Ctrl-C again to end at once)');
      services.runs.stop(started.id).catch((error: unknown) => options.say(`Could not stop the run: ${error instanceof Error ? error.message : String(error)}`));
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onInterrupt);
  try {
    return await services.runs.whenSettled(started.id);
  } finally {
    process.off('SIGINT', onInterrupt);
    stopFollowing();
    bar?.done();
    await events?.stop();
  }
}

async function reportEnd(run: RunEntry, out: string | null, say: (text: string) => void): Promise<number> {
  if (run.status === 'failed') {
    const error = run.error;
    process.stderr.write(`The run failed${error ? ` (${error.kind}): ${error.message}` : '.'}\n`);
    if (error && error.logTail.length > 0) process.stderr.write(`Last lines of the runtime's log:\n${error.logTail.map((line) => `  ${line}`).join('\n')}\n`);
    return 1;
  }
  if (run.adapterPath === null) throw new LatheError('internal', `The run ended ${run.status} without an adapter.`);
  say(`Run ${run.id} ${run.status} at step ${run.step}${run.totalSteps ? ` of ${run.totalSteps}` : ''}${run.trainLoss === null ? '' : `, loss ${run.trainLoss.toFixed(4)}`}.`);
  say(`Adapter: ${run.adapterPath}`);
  if (out !== null) {
    const copied = await copyAdapterOut(run.adapterPath, out);
    say(`Copied to: ${copied.join(', ')}`);
  }
  if (run.status === 'completed') return 0;
  if (run.resumable) say('It can be resumed from its last checkpoint on the Runs page.');
  return 130;
}

/** The plan as a person reads it before a run starts. */
export function describePlan(plan: RunPlan): string {
  const { settings: s, memory } = plan;
  const verdict = { yes: 'fits', tight: 'tight', no: 'does NOT fit' }[memory.fits];
  return [
    `Preset     ${plan.preset}`,
    ...plan.presetReasons.map((reason) => `           · ${reason}`),
    `LoRA       rank ${s.lora.rank}, alpha ${s.lora.alpha}, targets ${s.lora.targets.join(',')}${s.lora.dropout > 0 ? `, dropout ${s.lora.dropout}` : ''}${s.lora.rslora ? ', rsLoRA' : ''}`,
    `Optimizer  lr ${s.optimizer.lr}, ${s.schedule.kind} schedule${s.schedule.warmupSteps > 0 ? ` after ${s.schedule.warmupSteps} warm-up steps` : ''}`,
    `Steps      ${plan.totalSteps} (micro batch ${s.microBatchSize} × accumulation ${s.gradientAccumulation}), max length ${s.maxLength}`,
    `Data       ${plan.dataset.examples} examples, ${plan.dataset.tokens} tokens${plan.dataset.estimated ? ' (estimated)' : ''}`,
    `Device     ${plan.device.label}, precision ${s.precision}${s.gradientCheckpointing ? ', gradient checkpointing' : ''}`,
    `Memory     ${formatBytes(memory.totalBytes)} estimated: ${verdict}${memory.headroomBytes >= 0 ? ` (${formatBytes(memory.headroomBytes)} to spare)` : ''}`,
    ...memory.suggestions.map((suggestion) => `           try: ${suggestion}`),
    ...plan.warnings.map((warning) => `Note       ${warning}`),
  ].join('\n');
}
