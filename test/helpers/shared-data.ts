import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The shared public data set (see its README): `shared/data` beside the project root — in CI the root is a
 * sibling of `shared/` — or beside one of its ancestors (a git worktree sits deeper). Undefined when absent.
 */
function findSharedData(): string | undefined {
  let dir = resolve(process.cwd());
  for (let i = 0; i < 4; i++) {
    const candidate = join(dirname(dir), 'shared', 'data');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

export const SHARED_DATA = findSharedData();

export function sharedDataDir(sub: string): string | undefined {
  const dir = SHARED_DATA ? join(SHARED_DATA, sub) : undefined;
  if (dir && existsSync(dir)) return dir;
  console.warn(`skipping: shared test data ${sub} is missing (expected ../shared/data beside the project)`);
  return undefined;
}
