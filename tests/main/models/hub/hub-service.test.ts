import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HardwareReport } from '../../../../src-main/contract';
import { inferenceFit, trainingFit } from '../../../../src-main/models/hub/hub-fit';
import { checkRepoFilePath, parseRepoAndFile, quantizationFromName } from '../../../../src-main/models/hub/hub-names';
import { HubService } from '../../../../src-main/models/hub/hub-service';
import { HubTokenStore } from '../../../../src-main/models/hub/hub-token-store';
import { closeFixtures, libraryFixture } from '../library-fixture';
import { startFakeHub, type FakeHub } from './fake-hub';

const GiB = 1024 ** 3;
const hubs: FakeHub[] = [];
const services: HubService[] = [];

afterEach(async () => {
  for (const service of services.splice(0)) await service.close();
  for (const hub of hubs.splice(0)) await hub.close();
  await closeFixtures();
});

function hardware(ramGiB: number, gpuGiB: number | null): HardwareReport {
  return {
    os: { platform: 'linux', distro: 'Debian', release: '12', arch: 'x64', hostname: 'box' },
    cpu: { model: 'CPU', physicalCores: 8, logicalCores: 16, speedGHz: 3 },
    memory: { totalBytes: ramGiB * GiB, availableBytes: ramGiB * GiB * 0.8 },
    disk: null,
    gpus:
      gpuGiB === null
        ? []
        : [{ index: 0, vendor: 'nvidia', name: 'RTX', memoryTotalMb: gpuGiB * 1024, memoryUsedMb: 300, driverVersion: null, cudaVersion: null, utilizationPercent: null, temperatureC: null, powerDrawW: null, powerLimitW: null }],
    gpuNotes: [],
  };
}

async function service(hubUrl: string): Promise<HubService> {
  const fixture = await libraryFixture();
  const hub = new HubService({ dataDir: fixture.dataDir, hubUrl, env: {}, hardware: async () => hardware(16, 8), library: fixture.library });
  services.push(hub);
  await hub.start();
  return hub;
}

describe('Hub search and files', () => {
  it('finds GGUF repositories and lists their files with quantization and fit verdicts', async () => {
    const fake = await startFakeHub();
    hubs.push(fake);
    fake.addRepo({ id: 'acme/Small-Chat-GGUF', downloads: 10, files: [
      { path: 'small-chat-Q4_K_M.gguf', bytes: Buffer.from('GGUF'), listedSize: 1.1 * GiB },
      { path: 'small-chat-F16.gguf', bytes: Buffer.from('GGUF'), listedSize: 3.2 * GiB },
      { path: 'README.md', bytes: Buffer.from('hi') },
    ] });
    fake.addRepo({ id: 'acme/Big-GGUF', downloads: 99, files: [{ path: 'big-Q4_K_M-00001-of-00002.gguf', bytes: Buffer.from('GGUF'), listedSize: 40 * GiB }] });
    const hub = await service(fake.url);

    const found = await hub.search({ query: 'gguf', sort: 'downloads' });
    expect(found.map((r) => r.id)).toEqual(['acme/Big-GGUF', 'acme/Small-Chat-GGUF']);
    const searched = fake.requests.find((r) => r.path === '/api/models');
    expect(searched).toBeDefined();

    const { files } = await hub.files('acme/Small-Chat-GGUF');
    expect(files.map((f) => [f.path, f.quantization, f.splitPart])).toEqual([
      ['small-chat-F16.gguf', 'F16', false],
      ['small-chat-Q4_K_M.gguf', 'Q4_K_M', false],
    ]);
    const q4 = files[1];
    expect(q4?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(q4?.inference.verdict).toBe('yes');
    expect(q4?.inference.note).toMatch(/RTX/);
    expect((await hub.files('acme/Big-GGUF')).files[0]).toMatchObject({ splitPart: true, inference: { verdict: 'no' }, training: { verdict: 'no' } });
    await expect(hub.files('acme/Nothing-Here')).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('says the Hub is unreachable (unavailable) when nothing answers, and still offers recommendations', async () => {
    const fake = await startFakeHub();
    const url = fake.url;
    await fake.close();
    const hub = await service(url);
    await expect(hub.search({ query: 'qwen' })).rejects.toMatchObject({ kind: 'unavailable', message: expect.stringContaining('cannot be reached') });
    await expect(hub.files('Qwen/Qwen2.5-0.5B-Instruct-GGUF')).rejects.toMatchObject({ kind: 'unavailable' });
    expect(hub.recommended().length).toBeGreaterThan(2);
    for (const r of hub.recommended()) expect(() => parseRepoAndFile(`${r.repo}:${r.file}`)).not.toThrow();
  });
});

describe('fit verdicts', () => {
  it('judge inference against the roomiest GPU, else the RAM available', () => {
    expect(inferenceFit(0.5 * GiB, 'Q8_0', hardware(16, 8)).verdict).toBe('yes');
    expect(inferenceFit(7 * GiB, 'Q8_0', hardware(16, 8)).verdict).not.toBe('yes');
    expect(inferenceFit(20 * GiB, 'Q4_K_M', hardware(16, 8)).verdict).toBe('no');
    const cpu = inferenceFit(4 * GiB, 'Q4_K_M', hardware(32, null));
    expect(cpu.verdict).toBe('yes');
    expect(cpu.note).toMatch(/CPU/);
    expect(inferenceFit(4 * GiB, 'Q4_K_M', null).verdict).toBe('unknown');
  });

  it('judge training with the memory estimator: a 4-bit 8B model does not train on an 8 GiB GPU, a 0.5B one does', () => {
    expect(trainingFit(0.5 * GiB, 'Q8_0', hardware(16, 8)).verdict).toBe('yes');
    const big = trainingFit(4.9 * GiB, 'Q4_K_M', hardware(16, 8));
    expect(big.verdict).toBe('no');
    expect(big.needBytes).toBeGreaterThan(8 * GiB);
    expect(trainingFit(4.9 * GiB, 'Q4_K_M', hardware(16, 80)).verdict).toBe('yes');
  });
});

describe('names', () => {
  it('reads the quantization from the file name', () => {
    expect(quantizationFromName('Llama-3.2-1B-Instruct-Q4_K_M.gguf')).toBe('Q4_K_M');
    expect(quantizationFromName('qwen2.5-0.5b-instruct-q8_0.gguf')).toBe('Q8_0');
    expect(quantizationFromName('model.BF16.gguf')).toBe('BF16');
    expect(quantizationFromName('Q5_K_S/model-IQ4_XS.gguf')).toBe('IQ4_XS');
    expect(quantizationFromName('model.gguf')).toBeNull();
  });

  it('parses REPO[:FILE] and refuses paths that climb out', () => {
    expect(parseRepoAndFile('Qwen/Qwen2.5-0.5B-Instruct-GGUF')).toEqual({ repo: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF', file: null });
    expect(parseRepoAndFile('a/b:dir/x-Q8_0.gguf')).toEqual({ repo: 'a/b', file: 'dir/x-Q8_0.gguf' });
    for (const bad of ['../x.gguf', 'a/../../x.gguf', '/x.gguf', 'a\\x.gguf', 'x.bin']) expect(() => checkRepoFilePath(bad)).toThrow();
    for (const bad of ['a', 'a/b/c', '../b', 'a/..', 'a/b c']) expect(() => parseRepoAndFile(bad)).toThrow();
  });
});

describe('the access token', () => {
  it('is kept in a file only its owner can read when there is no secure storage, and can be removed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lathe-token-'));
    const store = new HubTokenStore({ dataDir, env: {} });
    await store.load();
    expect(store.status()).toMatchObject({ set: false, storage: 'file' });
    await expect(store.set('not-a-token')).rejects.toMatchObject({ kind: 'invalid_input' });
    await store.set('hf_abcdefghijklmnop');
    expect(statSync(join(dataDir, 'hub-token')).mode & 0o777).toBe(0o600);
    const again = new HubTokenStore({ dataDir, env: {} });
    await again.load();
    expect(again.current()).toBe('hf_abcdefghijklmnop');
    await again.set(null);
    expect(again.status().set).toBe(false);
  });

  it('is encrypted with the secure storage when the platform has one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lathe-token-'));
    // A reversible stand-in for Electron's safeStorage (the OS keychain is the outside boundary).
    const secrets = { encrypt: (t: string) => Buffer.from(t).reverse(), decrypt: (b: Buffer) => Buffer.from(b).reverse().toString() };
    const store = new HubTokenStore({ dataDir, secrets });
    await store.set('hf_abcdefghijklmnop');
    expect(store.status().storage).toBe('keychain');
    expect(readFileSync(join(dataDir, 'hub-token.enc')).toString()).not.toContain('hf_');
    const again = new HubTokenStore({ dataDir, secrets });
    await again.load();
    expect(again.current()).toBe('hf_abcdefghijklmnop');
  });

  it('is sent with Hub calls', async () => {
    const fake = await startFakeHub();
    hubs.push(fake);
    const hub = await service(fake.url);
    await hub.token.set('hf_abcdefghijklmnop');
    expect(hub.client.authorization()).toEqual({ Authorization: 'Bearer hf_abcdefghijklmnop' });
  });
});
