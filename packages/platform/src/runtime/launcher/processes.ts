import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

/** One process the launcher started, its output in a log file of its own. */
export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly log: string;
  /** Resolves with the exit code (or signal) once it has exited. */
  readonly exited: Promise<number | NodeJS.Signals>;
  hasExited(): boolean;
  /** Its last log lines, to show why it failed. */
  lastLines(count?: number): string;
}

/**
 * Starts `node <this process's node options> <args>` (the same entry, under tsx or compiled, as the launcher)
 * in its own process group (Ctrl-C reaches the launcher only, which stops its children in order), stdout and
 * stderr appended to `log`. Its stdin is a pipe from the launcher that nothing writes to: when the launcher
 * ends, however it ends (SIGKILL too), the pipe closes and the child stops itself (`SUPERVISED`, see cli.ts).
 */
export function startChild(options: {
  name: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  log: string;
}): Child {
  const fd = openSync(options.log, 'a');
  const child = spawn(process.execPath, [...process.execArgv, ...options.args], {
    cwd: options.cwd,
    env: { ...options.env, SUPERVISED: '1' },
    stdio: ['pipe', fd, fd],
    detached: true,
  });
  closeSync(fd);
  let code: number | NodeJS.Signals | undefined;
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.once('exit', (exitCode, signal) => {
      code = exitCode ?? signal ?? 1;
      resolve(code);
    });
    child.once('error', () => {
      code ??= 1;
      resolve(code);
    });
  });
  return {
    name: options.name,
    process: child,
    log: options.log,
    exited,
    hasExited: () => code !== undefined,
    lastLines(count = 20) {
      try {
        return readFileSync(options.log, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
      } catch {
        return '(no log)';
      }
    },
  };
}

/** SIGTERM, then its exit awaited; SIGKILL when it takes longer than `timeoutMs`. */
export async function stopChild(child: Child, timeoutMs: number): Promise<'stopped' | 'killed'> {
  if (child.hasExited()) return 'stopped';
  child.process.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), timeoutMs);
  });
  const outcome = await Promise.race([child.exited.then(() => 'stopped' as const), late]);
  clearTimeout(timer);
  if (outcome === 'stopped') return 'stopped';
  child.process.kill('SIGKILL');
  await child.exited;
  return 'killed';
}

/** Polls `url` until it answers 2xx; fails early when the child exits, or at the deadline. */
export async function untilReady(child: Child, url: string, deadline: number): Promise<void> {
  for (;;) {
    if (child.hasExited())
      throw new Error(`${child.name} exited before it was ready (${await child.exited})`);
    const ready = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`${child.name} was not ready in time (${url})`);
    await Promise.race([child.exited, new Promise((resolve) => setTimeout(resolve, 200))]);
  }
}
