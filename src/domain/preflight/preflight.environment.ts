import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface LockPackage {
  version?: string;
  optional?: boolean;
  dev?: boolean;
  link?: boolean;
}

/**
 * Compares package-lock.json with what npm actually installed (node_modules/.package-lock.json):
 * Node's equivalent of "the venv is active". Returns the packages that differ (empty = in sync).
 */
export function lockfileDrift(root: string, includeDev: boolean): string[] {
  const lockPath = join(root, 'package-lock.json');
  const installedPath = join(root, 'node_modules/.package-lock.json');
  if (!existsSync(lockPath)) return ['package-lock.json missing'];
  if (!existsSync(installedPath)) return ['node_modules not installed (run npm ci)'];
  const lock =
    (JSON.parse(readFileSync(lockPath, 'utf8')) as { packages?: Record<string, LockPackage> }).packages ?? {};
  const installed =
    (JSON.parse(readFileSync(installedPath, 'utf8')) as { packages?: Record<string, LockPackage> })
      .packages ?? {};
  const drift: string[] = [];
  for (const [path, pkg] of Object.entries(lock)) {
    if (!path.startsWith('node_modules/') || pkg.link) continue;
    if (pkg.dev && !includeDev) continue;
    const have = installed[path];
    if (!have) {
      // Optional packages for other platforms are legitimately absent.
      if (!pkg.optional) drift.push(`${path.slice('node_modules/'.length)} missing`);
    } else if (have.version !== pkg.version) {
      drift.push(`${path.slice('node_modules/'.length)} ${have.version ?? '?'} != ${pkg.version ?? '?'}`);
    }
  }
  return drift;
}

/** Hosts of the two URLs, for the pooled-vs-direct rule. */
export function urlHost(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}
