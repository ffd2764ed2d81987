/**
 * Wheels the set-up tests install, built here with Python's zipfile (a wheel is a zip with a
 * dist-info folder: PEP 427), and a PEP 503 "simple" index serving them on 127.0.0.1. No
 * network and no real torch download: "torch" is one of these stand-ins.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export const SYSTEM_PYTHON = '/usr/bin/python3';

const BUILD_WHEEL = String.raw`
import base64, hashlib, json, sys, zipfile
spec = json.loads(sys.argv[1])
name, version = spec["name"], spec["version"]
dist = "%s-%s.dist-info" % (name, version)
files = dict(spec["files"])
if spec.get("big_bytes"):
    files["%s_blob/data.bin" % name] = None
files[dist + "/METADATA"] = "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version)
files[dist + "/WHEEL"] = "Wheel-Version: 1.0\nGenerator: lathe-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
record = []
with zipfile.ZipFile(spec["out"], "w", zipfile.ZIP_DEFLATED) as wheel:
    for path, text in files.items():
        data = b"\0" * spec["big_bytes"] if text is None else text.encode()
        wheel.writestr(path, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append("%s,sha256=%s,%d" % (path, digest, len(data)))
    record.append(dist + "/RECORD,,")
    wheel.writestr(dist + "/RECORD", "\n".join(record) + "\n")
`;

export interface WheelSpec {
  name: string;
  version: string;
  files: Record<string, string>;
  /** Adds one file of this many zero bytes (tiny compressed, large on disk). */
  bigBytes?: number;
}

export function buildWheel(dir: string, spec: WheelSpec): string {
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${spec.name}-${spec.version}-py3-none-any.whl`);
  execFileSync(SYSTEM_PYTHON, ['-c', BUILD_WHEEL, JSON.stringify({ name: spec.name, version: spec.version, files: spec.files, big_bytes: spec.bigBytes ?? 0, out })]);
  return out;
}

/**
 * "torch" that is Debian's real torch: the wheel holds only a .pth file putting
 * /usr/lib/python3/dist-packages on the path, so the health check's matmul is real.
 */
export const systemTorch: WheelSpec = { name: 'torch', version: '1.13.0', files: { 'lathe_system_torch.pth': '/usr/lib/python3/dist-packages\n' } };
/** numpy as metadata only: Debian's numpy (through the .pth above) is the one imported. */
export const numpyStandIn: WheelSpec = { name: 'numpy', version: '1.24.2', files: {} };
/** A "torch" that imports but is nothing more: the health check must say so. */
export const tinyTorch: WheelSpec = { name: 'torch', version: '0.0.1', files: { 'torch/__init__.py': '__version__ = "0.0.1"\n' } };

/** A folder of wheels for `--wheels DIR`. */
export function wheelFolder(dir: string, specs: readonly WheelSpec[]): string {
  for (const spec of specs) buildWheel(dir, spec);
  return dir;
}

/** A wheel file that is not a zip at all: pip must fail to install it. */
export function brokenWheel(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const out = join(dir, 'torch-2.0.0-py3-none-any.whl');
  writeFileSync(out, 'this is not a zip archive');
  return out;
}

export interface LocalIndex {
  url: string;
  /** Wheel downloads requested so far. */
  downloads: string[];
  close(): Promise<void>;
}

/**
 * A PEP 503 simple index over a folder of wheels. With `stallDownloads`, a wheel's response
 * sends its headers and a first chunk, then waits (until closed): a download in progress to cancel.
 */
export async function serveIndex(folder: string, options: { stallDownloads?: boolean; onDownload?: (file: string) => void } = {}): Promise<LocalIndex> {
  const downloads: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    const files = readdirSync(folder).filter((name) => name.endsWith('.whl'));
    const project = /^\/simple\/([^/]+)\/?$/.exec(path)?.[1];
    if (path === '/simple/' || path === '/simple') {
      const projects = [...new Set(files.map((name) => name.split('-')[0]))];
      response.writeHead(200, { 'content-type': 'text/html' }).end(projects.map((name) => `<a href="/simple/${name}/">${name}</a>`).join('\n'));
      return;
    }
    if (project) {
      const links = files.filter((name) => name.split('-')[0]?.toLowerCase() === project.toLowerCase()).map((name) => `<a href="/files/${name}">${name}</a>`);
      if (links.length === 0) response.writeHead(404).end('not found');
      else response.writeHead(200, { 'content-type': 'text/html' }).end(`<!DOCTYPE html><html><body>\n${links.join('\n')}\n</body></html>`);
      return;
    }
    const file = /^\/files\/([^/]+\.whl)$/.exec(path)?.[1];
    if (file && files.includes(file)) {
      downloads.push(file);
      options.onDownload?.(file);
      const data = readFileSync(join(folder, file));
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(data.length) });
      if (options.stallDownloads) response.write(data.subarray(0, Math.min(1024, data.length - 1)));
      else response.end(data);
      return;
    }
    response.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/simple/`,
    downloads,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
