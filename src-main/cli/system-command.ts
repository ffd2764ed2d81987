/** `lathe system info [--json]`: the hardware and Python/torch report, as the System page shows it. */
import type { SystemReport } from '../contract';
import { withCliServices } from './cli-services';
import { parseArgs, UsageError } from './args';
import type { CliContext } from './main';

export async function runSystemInfo(argv: string[], context: CliContext): Promise<number> {
  const { words, flags } = parseArgs(argv, { json: 'boolean' });
  if (words[0] !== 'info' || words.length > 1) throw new UsageError('Usage: lathe system info [--json]');
  const report = await withCliServices(context, async (services) => (await services.handlers['system.info']({})) as SystemReport);
  context.out(flags.json ? JSON.stringify(report, null, 2) : describeSystem(report));
  return 0;
}

const GiB = 1024 ** 3;

export function describeSystem({ hardware, python }: SystemReport): string {
  const lines = [
    `OS       ${hardware.os.distro} ${hardware.os.release} (${hardware.os.platform}, ${hardware.os.arch})`,
    `CPU      ${hardware.cpu.model}: ${hardware.cpu.physicalCores} physical / ${hardware.cpu.logicalCores} logical cores`,
    `Memory   ${(hardware.memory.totalBytes / GiB).toFixed(1)} GiB total, ${(hardware.memory.availableBytes / GiB).toFixed(1)} GiB available`,
  ];
  if (hardware.disk) lines.push(`Disk     ${(hardware.disk.freeBytes / GiB).toFixed(1)} GiB free at ${hardware.disk.path}`);
  if (hardware.gpus.length === 0) lines.push('GPU      none found (training runs on the CPU)');
  for (const gpu of hardware.gpus) {
    const memory = gpu.memoryTotalMb === null ? '' : `, ${(gpu.memoryTotalMb / 1024).toFixed(1)} GiB`;
    const cuda = gpu.cudaVersion ? `, CUDA ${gpu.cudaVersion}` : '';
    lines.push(`GPU ${gpu.index}    ${gpu.name}${memory}${cuda}`);
  }
  for (const note of hardware.gpuNotes) lines.push(`         note: ${note}`);
  if (python.state === 'ready') {
    const device = python.cuda.available ? `CUDA ${python.cuda.version ?? ''}`.trim() : python.mps ? 'Apple MPS' : 'CPU only';
    lines.push(`Python   ${python.python} (Python ${python.pythonVersion}, torch ${python.torchVersion}, ${device})`);
  } else {
    lines.push(`Python   ${python.state === 'no_python' ? 'no Python found' : 'no Python with torch found'}`);
    if (python.advice) lines.push(`         ${python.advice.split('\n').join('\n         ')}`);
  }
  return lines.join('\n');
}
