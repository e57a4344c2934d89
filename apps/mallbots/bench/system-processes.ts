import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { openSync, readdirSync, readFileSync } from 'node:fs';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const PAGE = 1024;

export { freePort } from '@tessera/platform/testing';

interface ProcStat {
  pid: number;
  ppid: number;
  ticks: number;
}

function stat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: the fields after it start past the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

const rssKb = (pid: number) => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
};

/** A short name for a process: the script it runs (and its module, for a module process), else its program. */
function nameOf(pid: number): string {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const program = (args[0] ?? '?').split('/').at(-1)!;
    if (args[1] === '-c') return `${program} -c (wrapper)`;
    const script = args.find((arg) => /\.(ts|js|mjs)$/.test(arg) && !arg.includes('node_modules'));
    if (!script) return program;
    const base = script.replace(/^.*apps\/mallbots\/src\//, '');
    if (args.some((arg) => arg.endsWith('.bin/tsx'))) return `tsx ${base} (wrapper)`;
    const module = /(?:^|\0)MODULES=([^\0]+)/.exec(readFileSync(`/proc/${pid}/environ`, 'utf8'))?.[1];
    return module ? `${base} [${module}]` : base;
  } catch {
    return '?';
  }
}

/** The process and all its descendants, as /proc shows them now. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = stat(Number(entry));
    if (info) children.set(info.ppid, [...(children.get(info.ppid) ?? []), info.pid]);
  }
  const tree: number[] = [];
  const visit = (pid: number) => {
    tree.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return tree;
}

export interface ProcessUsage {
  pid: number;
  name: string;
  /** Share of one core over the window, in %. */
  cpuPercent: number;
  /** The largest resident set seen, MB. */
  peakRssMb: number;
}

/** CPU (from /proc/<pid>/stat utime+stime) and memory (VmRSS) of a process tree, sampled every second. */
export function sampleUsage(root: number) {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const peak = new Map<number, number>();
  const names = new Map<number, string>();
  const started = performance.now();
  const sample = () => {
    for (const pid of processTree(root)) {
      const info = stat(pid);
      if (!info) continue;
      if (!first.has(pid)) {
        first.set(pid, info.ticks);
        names.set(pid, nameOf(pid));
      }
      last.set(pid, info.ticks);
      peak.set(pid, Math.max(peak.get(pid) ?? 0, rssKb(pid)));
    }
  };
  sample();
  const timer = setInterval(sample, 1_000);
  return {
    stop(): ProcessUsage[] {
      clearInterval(timer);
      sample();
      const seconds = (performance.now() - started) / 1000;
      return [...first.keys()]
        .map((pid) => ({
          pid,
          name: names.get(pid) ?? '?',
          cpuPercent: Math.round((((last.get(pid)! - first.get(pid)!) / CLK_TCK / seconds) * 100 * 10) / 10),
          peakRssMb: Math.round(((peak.get(pid) ?? 0) * PAGE) / 1024 / 1024),
        }))
        .filter((usage) => usage.peakRssMb > 0);
    },
  };
}

/** Exists and is not a zombie. */
const running = (pid: number) => {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

export interface Target {
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * `npm run <script>` in `cwd` (a baseline's checkout, or this one), in a process group of its own (so that it
 * and its children stop together).
 */
export function startScript(
  script: string,
  env: NodeJS.ProcessEnv,
  logFile: string,
  cwd: string = process.cwd(),
): Target {
  const log = openSync(logFile, 'a');
  const child = spawn('npm', ['run', '--silent', script], {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', log, log],
  });
  return {
    process: child,
    async stop() {
      // The launcher starts its modules in process groups of their own and stops them itself: wait for every
      // process of the tree, not only npm, before the databases they use are dropped.
      const tree = processTree(child.pid!);
      const alive = () => tree.filter(running);
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {}
      const deadline = Date.now() + 45_000;
      while (alive().length > 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 200));
      for (const pid of alive()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
    },
  };
}

/** Waits until `url` answers 200 (or the process ends, or the time is up). */
export async function untilUp(url: string, target: Target, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (target.process.exitCode !== null)
      throw new Error(`the process ended (exit ${target.process.exitCode})`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0
    ? undefined
    : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

export interface Responsiveness {
  /** `/liveness` answer times over the window, ms (a probe that failed or took over 10 s counts as 10 s). */
  readonly liveness: { p50?: number; p99?: number; max?: number; probes: number };
  /** The event loop's delay p99 over the window, ms, as the process's own /metrics says (prom-client). */
  readonly loopDelayP99?: number;
}

/**
 * How the process at `url` answers while it is loaded: `/liveness` asked every 100 ms (what an orchestrator's
 * probe sees), and the event loop's delay, from `nodejs_eventloop_lag_p99_seconds` (prom-client measures it
 * between two scrapes: one now, one at `stop`).
 */
export function probeResponsiveness(url: string) {
  const times: number[] = [];
  let stopped = false;
  const scrapeLoopDelay = async (): Promise<number | undefined> => {
    try {
      const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
      const value = /^nodejs_eventloop_lag_p99_seconds(?:\{[^}]*\})? ([\d.e+-]+)$/m.exec(text)?.[1];
      return value === undefined ? undefined : Number(value) * 1000;
    } catch {
      return undefined;
    }
  };
  const started = scrapeLoopDelay();
  const probing = (async () => {
    await started;
    while (!stopped) {
      const at = performance.now();
      const ok = await fetch(`${url}/liveness`, { signal: AbortSignal.timeout(10_000) }).then(
        (response) => response.ok,
        () => false,
      );
      times.push(ok ? performance.now() - at : 10_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    async stop(): Promise<Responsiveness> {
      stopped = true;
      await probing;
      const loopDelayP99 = await scrapeLoopDelay();
      const sorted = [...times].sort((a, b) => a - b);
      return {
        liveness: {
          p50: percentile(sorted, 50),
          p99: percentile(sorted, 99),
          max: sorted.at(-1),
          probes: sorted.length,
        },
        ...(loopDelayP99 === undefined ? {} : { loopDelayP99 }),
      };
    },
  };
}
