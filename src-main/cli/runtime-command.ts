/**
 * `lathe runtime …`: the training runtime's Python environment from a terminal — the plan,
 * set-up (online, from a local index, or offline from a folder of wheels), the health check,
 * reset, and the interpreter to train with. It starts only what it needs (hardware and
 * Python discovery), not the whole app, so it works on a machine where the app cannot start.
 */
import type { RuntimeHealth, SetupProgress, TorchPlan } from '../contract';
import { HardwareService } from '../hardware/hardware-service';
import { runProcess } from '../process/run-process';
import { PythonDiscovery } from '../python/python-discovery';
import { RuntimeEnvironmentService } from '../runtime-env/runtime-env-service';
import { parseArgs, UsageError } from './args';
import { logToStderr } from './cli-services';
import type { CliContext } from './main';

export const RUNTIME_USAGE = `Usage:
  lathe runtime plan   [--torch BUILD] [--wheels DIR | --index-url URL] [--python PATH] [--json]
  lathe runtime setup  [--torch BUILD] [--wheels DIR | --index-url URL] [--python PATH] [--json]
  lathe runtime health [--json]
  lathe runtime status [--json]
  lathe runtime reset
  lathe runtime use PATH | --automatic
BUILD is cpu, cu118, cu121, cu124, cu126, cu128, cu129, cu130, rocm6.x or mps (automatic when left out).
--wheels DIR installs from a folder of wheels with no network; Ctrl-C cancels a set-up.`;

const FLAGS = { torch: 'string', wheels: 'string', 'index-url': 'string', python: 'string', json: 'boolean', automatic: 'boolean', help: 'boolean' } as const;

export async function runRuntime(argv: string[], context: CliContext): Promise<number> {
  const { words, flags } = parseArgs(argv, FLAGS);
  const [verb, ...rest] = words;
  if (flags.help === true || verb === 'help') {
    context.out(RUNTIME_USAGE);
    return 0;
  }
  const json = flags.json === true;
  const request = {
    torch: stringFlag(flags.torch),
    wheelsDir: stringFlag(flags.wheels),
    indexUrl: stringFlag(flags['index-url']),
    python: stringFlag(flags.python),
  };
  if (request.indexUrl !== undefined && !/^https?:\/\/\S+$/.test(request.indexUrl)) throw new UsageError(`--index-url must be an http(s) URL, not "${request.indexUrl}"`);
  const runtime = runtimeService(context);
  await runtime.start();
  switch (verb) {
    case 'plan': {
      expectNoMore(rest);
      const plan = await runtime.plan(request);
      context.out(json ? JSON.stringify(plan, null, 2) : describePlan(plan));
      return plan.problems.length > 0 ? 1 : 0;
    }
    case 'setup':
      expectNoMore(rest);
      return setup(runtime, request, context, json);
    case 'health': {
      expectNoMore(rest);
      const health = await runtime.health();
      context.out(json ? JSON.stringify(health, null, 2) : describeHealth(health));
      return health.ok ? 0 : 1;
    }
    case 'status': {
      expectNoMore(rest);
      const status = await runtime.status();
      if (json) context.out(JSON.stringify(status, null, 2));
      else {
        const env = status.environment;
        context.out(env ? `Environment  ${env.path}\n             torch ${env.build} (${env.device}) from ${env.source}` : 'Environment  none yet (lathe runtime setup)');
        if (status.chosenInterpreter) context.out(`Chosen       ${status.chosenInterpreter}`);
        if (status.lathePython) context.out(`LATHE_PYTHON ${status.lathePython} (wins over the environment and the chosen interpreter)`);
      }
      return 0;
    }
    case 'reset': {
      expectNoMore(rest);
      const { removed } = await runtime.reset();
      context.out(removed ? 'Removed Lathe’s Python environment.' : 'There was no environment to remove.');
      return 0;
    }
    case 'use': {
      if (flags.automatic === true ? rest.length > 0 : rest.length !== 1) throw new UsageError(RUNTIME_USAGE);
      const report = await runtime.chooseInterpreter(flags.automatic === true ? null : (rest[0] as string));
      context.out(report.python ? `Training uses ${report.python}.` : `No usable Python yet: ${report.advice ?? ''}`);
      return report.python ? 0 : 1;
    }
    default:
      throw new UsageError(RUNTIME_USAGE);
  }
}

function runtimeService(context: CliContext): RuntimeEnvironmentService {
  const hardware = new HardwareService({ runProcess, dataDir: context.dataDir, logError: logToStderr });
  const python = new PythonDiscovery({ runProcess, env: context.env, platform: process.platform, dataDir: context.dataDir, runtimeDir: context.paths.runtimeDir });
  return new RuntimeEnvironmentService({
    dataDir: context.dataDir,
    runtimeDir: context.paths.runtimeDir,
    env: context.env,
    platform: process.platform,
    runProcess,
    hardware: () => hardware.report(),
    python,
  });
}

async function setup(runtime: RuntimeEnvironmentService, request: Parameters<RuntimeEnvironmentService['startSetup']>[0], context: CliContext, json: boolean): Promise<number> {
  let lastLine = '';
  const stop = runtime.subscribe((progress) => {
    if (json) {
      context.out(JSON.stringify(progress));
      return;
    }
    const line = progressLine(progress);
    if (line !== lastLine) process.stderr.write(`${line}\n`);
    lastLine = line;
  });
  const onInterrupt = (): void => {
    process.stderr.write('Cancelling the set-up…\n');
    runtime.cancelSetup();
  };
  process.on('SIGINT', onInterrupt);
  try {
    const { first, done } = await runtime.startSetup(request);
    if (!json && first.plan) process.stderr.write(`${describePlan(first.plan)}\n`);
    const final = await done;
    if (!json) {
      if (final.outcome?.ok) context.out(`Ready: ${describeHealth(final.outcome.health)}`);
      else if (final.outcome) {
        process.stderr.write(`${final.logTail.slice(-10).join('\n')}\n`);
        process.stderr.write(`lathe: ${final.outcome.message}\n`);
      }
    }
    return final.outcome?.ok ? 0 : 1;
  } finally {
    process.off('SIGINT', onInterrupt);
    stop();
  }
}

function progressLine({ step, detail, download }: SetupProgress): string {
  const bytes = download && download.totalBytes ? ` ${mb(download.doneBytes ?? 0)}/${mb(download.totalBytes)} MB` : '';
  return `[${step}] ${detail}${bytes}`;
}

export function describePlan(plan: TorchPlan): string {
  const lines = [
    `torch build  ${plan.build} (${plan.device}) — ${plan.reason}`,
    `installs     ${plan.packages.join(', ')} from ${plan.indexUrl ?? 'PyPI (or the folder given)'}`,
    `needs        about ${(plan.requiredBytes / 1024 ** 3).toFixed(1)} GiB of disk`,
  ];
  for (const note of plan.notes) lines.push(`note         ${note}`);
  for (const problem of plan.problems) lines.push(`problem      ${problem.message}`);
  return lines.join('\n');
}

export function describeHealth(health: RuntimeHealth): string {
  const lines = [
    `${health.ok ? 'Healthy' : 'Not ready'}: ${health.python || 'no interpreter'}` +
      (health.torchVersion ? ` — Python ${health.pythonVersion}, torch ${health.torchVersion}` : '') +
      (health.device ? `, ${health.device}${health.deviceName ? ` (${health.deviceName})` : ''}` : '') +
      (health.matmulMs !== null ? `, matmul ${health.matmulMs.toFixed(1)} ms` : '') +
      (health.runtimeAnswers ? ', runtime answers' : ''),
  ];
  for (const problem of health.problems) lines.push(`  ${problem.blocking ? 'problem' : 'note'}: ${problem.message}\n  next step: ${problem.nextStep}`);
  return lines.join('\n');
}

function stringFlag(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function expectNoMore(rest: string[]): void {
  if (rest.length > 0) throw new UsageError(RUNTIME_USAGE);
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}
