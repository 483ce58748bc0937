import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

export interface Spawned {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `node --import tsx <entry>` (no npx in between, so signals reach the app) with exactly the given environment. */
export function startProcess(
  entry: string,
  env: Record<string, string>,
  args: string[] = [],
  nodeFlags: string[] = [],
  /** Another checkout to run `entry` in (its own node_modules and sources); default: this one. */
  cwd?: string,
): Spawned {
  let output = '';
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', entry, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      resolve(code);
    }),
  );
  return { child, output: () => output, exited };
}

export async function waitForHttp(url: string, timeoutMs: number, spawned?: Spawned): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (spawned?.child.exitCode != null) throw new Error(`process exited early:\n${spawned.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} not up within ${timeoutMs} ms:\n${spawned?.output() ?? ''}`);
}
