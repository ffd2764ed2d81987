/**
 * GPUs from systeminformation's `graphics()` controllers: the list Lathe shows when
 * nvidia-smi cannot answer (AMD, Intel and Apple machines, or an NVIDIA card whose driver
 * is not working). Pure: the caller fetches the controllers.
 */
import type { Systeminformation } from 'systeminformation';
import type { GpuInfo } from '../contract/system-types';

export type GraphicsController = Pick<Systeminformation.GraphicsControllerData, 'vendor' | 'model' | 'vram' | 'driverVersion'>;

/**
 * Display adapters that virtual machines emulate, and the BMC chips on server boards: they
 * draw a console and can never run a model, so listing them would only suggest otherwise.
 */
const DISPLAY_ONLY_ADAPTER =
  /vmware|virtualbox|innotek|qemu|bochs|qxl|virtio|red hat|cirrus logic|microsoft basic|hyper-v|parallels|aspeed|matrox/i;

export function gpusFromGraphicsControllers(controllers: readonly GraphicsController[]): GpuInfo[] {
  return controllers
    // Some platforms leave vendor or model empty, or unset despite the typings.
    .map((controller) => ({ ...controller, vendor: (controller.vendor ?? '').trim(), model: (controller.model ?? '').trim() }))
    .filter(({ vendor, model }) => `${vendor}${model}` !== '' && !DISPLAY_ONLY_ADAPTER.test(`${vendor} ${model}`))
    .map((controller, index) => ({
      index,
      vendor: gpuVendorOf(`${controller.vendor} ${controller.model}`),
      name: controller.model || controller.vendor,
      memoryTotalMb: controller.vram ?? null,
      memoryUsedMb: null,
      driverVersion: controller.driverVersion ?? null,
      cudaVersion: null,
      utilizationPercent: null,
      temperatureC: null,
      powerDrawW: null,
      powerLimitW: null,
    }));
}

/**
 * Vendor from the names systeminformation reports ("NVIDIA Corporation", "Advanced Micro
 * Devices, Inc. [AMD/ATI]", "Intel Corporation", "Apple"). Whole words only: "Corporation"
 * contains "ati".
 */
export function gpuVendorOf(description: string): GpuInfo['vendor'] {
  const text = description.toLowerCase();
  if (/\bnvidia\b/.test(text)) return 'nvidia';
  if (/\b(amd|ati|advanced micro devices|radeon)\b/.test(text)) return 'amd';
  if (/\bintel\b/.test(text)) return 'intel';
  if (/\bapple\b/.test(text)) return 'apple';
  return 'other';
}
