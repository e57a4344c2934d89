import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where a run's system comes from: this working tree, or a baseline commit's checkout. */
export interface Checkout {
  readonly label: string;
  readonly cwd: string;
  /** What its `npm start` needs to run MallBots alone (a baseline from before other applications is MallBots). */
  readonly env: NodeJS.ProcessEnv;
  readonly scripts: Readonly<Record<string, string>>;
  /**
   * Its own load generator (`runBusywork`): each checkout is driven by the one written for its API, which
   * the baseline's may predate (its tokens, its routes), with the same options.
   */
  readonly loadGenerator: string;
}

/** Where a checkout keeps its load generator (it moved from src/ to tools/ with the applications' tools). */
const LOAD_GENERATORS = ['apps/mallbots/tools/busywork/run.ts', 'apps/mallbots/src/busywork/run.ts'];
const loadGeneratorOf = (dir: string) => {
  const found = LOAD_GENERATORS.map((path) => join(dir, path)).find((path) => existsSync(path));
  if (!found) throw new Error(`no load generator in ${dir} (looked for ${LOAD_GENERATORS.join(', ')})`);
  return found;
};

const scriptsOf = (dir: string) =>
  (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
    .scripts;

export function thisTree(root: string): Checkout {
  return {
    label: 'this tree',
    cwd: root,
    env: { APPS: 'mallbots' },
    scripts: scriptsOf(root),
    loadGenerator: loadGeneratorOf(root),
  };
}

/**
 * A checkout of `commit` to run against, in a worktree of this repository under the system's temporary
 * directory (kept, and reused by the next run naming the same commit: `git worktree remove <dir>` drops it),
 * with its own dependencies installed by its own lock file.
 */
export function baselineCheckout(root: string, commit: string, say: (line: string) => void): Checkout {
  const git = (args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  const sha = git(['rev-parse', '--verify', `${commit}^{commit}`]).slice(0, 10);
  const dir = join(tmpdir(), `bench-baseline-${sha}`);
  if (!existsSync(join(dir, 'package.json'))) {
    say(`baseline ${sha}: checking it out in ${dir}...`);
    git(['worktree', 'prune']);
    git(['worktree', 'add', '--detach', '--force', dir, sha]);
  }
  if (!existsSync(join(dir, 'node_modules'))) {
    say(`baseline ${sha}: installing its dependencies (npm ci, its progress below)...`);
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: ['ignore', 2, 2] });
  }
  say(`baseline ${sha}: ready in ${dir} (kept for the next run; \`git worktree remove --force ${dir}\`)`);
  return {
    label: `baseline ${sha}`,
    cwd: dir,
    // MallBots alone, as this tree runs: a baseline with other applications would run their work too (one
    // from before `APPS` is MallBots alone and ignores it).
    env: { APPS: 'mallbots' },
    scripts: scriptsOf(dir),
    loadGenerator: loadGeneratorOf(dir),
  };
}

/** The median of the values given (undefined ones left out). */
export function median(values: ReadonlyArray<number | undefined>): number | undefined {
  const known = values.filter((value): value is number => value !== undefined).sort((a, b) => a - b);
  if (known.length === 0) return undefined;
  const middle = Math.floor(known.length / 2);
  return known.length % 2 === 1 ? known[middle] : (known[middle - 1]! + known[middle]!) / 2;
}

/** `value / of` as `1.23x`, `-` when either is unknown. */
export const ratio = (value: number | undefined, of: number | undefined) =>
  value === undefined || of === undefined || of === 0 ? '-' : `${(value / of).toFixed(2)}x`;
