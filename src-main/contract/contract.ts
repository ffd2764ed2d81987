/**
 * The one list of everything the UI can ask of the main process. The Electron preload, the
 * web transport's client and the main-side dispatcher are all built from this object, so a
 * call that is not declared here cannot be made, and a declared one cannot drift between
 * transports. Later domains (models, datasets, runs…) add their entries here.
 */
import { z } from 'zod';
import { call, stream, type ApiOf } from './define';
import type { AppInfo, HardwareReport, PythonReport, SystemReport, UsageSample } from './system-types';

const nothing = z.object({}).strict();

export const contract = {
  'app.info': call(nothing).returns<AppInfo>(),
  'system.info': call(nothing).returns<SystemReport>(),
  'system.hardware': call(nothing).returns<HardwareReport>(),
  'system.python': call(z.object({ refresh: z.boolean().optional() }).strict()).returns<PythonReport>(),
  'system.watchUsage': stream(
    z.object({ intervalMs: z.number().int().min(250).max(60_000) }).strict(),
  ).emits<UsageSample>(),
} as const;

export type Contract = typeof contract;
export type ContractName = keyof Contract;
export type LatheApi = ApiOf<Contract>;

export function isContractName(name: unknown): name is ContractName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}
