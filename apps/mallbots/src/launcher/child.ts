import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dropDatabases } from './databases.js';
import { MODULE_NAMES } from './plan.js';

/** The distributed topology, started by the launcher as a child process (tests, specifications). */
export interface LaunchedTopology {
  readonly gatewayUrl: string;
  /** Each process the launcher listed: module (or gateway, robots) → its HTTP URL, RPC URL and pid. */
  readonly processes: ReadonlyMap<string, { http?: string; rpc?: string; pid: number }>;
  /** Its output so far (progress lines, the table, why it stopped). */
  output(): string;
  /** Resolves with the launcher's exit code (or signal) once it has exited, whatever the cause. */
  readonly exited: Promise<number | NodeJS.Signals>;
  /** SIGINT, as Ctrl-C: resolves with the launcher's exit code once it has exited. */
  stop(): Promise<number | NodeJS.Signals>;
  /** Drops the databases and roles it made (`DISTRIBUTED_PREFIX`_<module>). */
  dropDatabases(adminUrl: string): Promise<void>;
}

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const RUNNING = /MallBots \(distributed\) is running at (http:\/\/\S+)/;
const ROW = /^ {2}(\S+)\s+(http:\/\/\S+|-)\s+(?:-> )?(http:\/\/\S+|-)\s+(\d+)\s/;

/**
 * Runs `npm run start:distributed` with `env` on top of this process's environment, resolving once it prints
 * that everything is ready; rejects with its output if it exits first or takes longer than `timeoutMs`.
 */
export async function launchDistributed(
  env: NodeJS.ProcessEnv,
  timeoutMs = 90_000,
): Promise<LaunchedTopology> {
  const launcher = spawn(process.execPath, ['--import', 'tsx', 'apps/mallbots/src/launcher/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | NodeJS.Signals>((resolve) =>
    launcher.once('exit', (code, signal) => resolve(code ?? signal ?? 1)),
  );
  const gatewayUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      launcher.kill('SIGINT');
      reject(new Error(`the launcher was not ready within ${timeoutMs / 1000}s; its output:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const running = RUNNING.exec(output);
      if (running) {
        clearTimeout(timer);
        resolve(running[1] as string);
      }
    };
    launcher.stdout?.on('data', onData);
    launcher.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the launcher exited (${code}) before it was ready; its output:\n${output}`));
    });
  });
  const processes = new Map<string, { http?: string; rpc?: string; pid: number }>();
  for (const line of output.split('\n')) {
    const row = ROW.exec(line);
    if (!row || row[1] === 'process') continue;
    const [, name, http, rpc, pid] = row as unknown as [string, string, string, string, string];
    processes.set(name, {
      ...(http === '-' ? {} : { http }),
      ...(rpc === '-' ? {} : { rpc }),
      pid: Number(pid),
    });
  }
  return {
    gatewayUrl,
    processes,
    exited,
    output: () => output,
    stop: () => stopLauncher(launcher, exited),
    async dropDatabases(adminUrl) {
      const prefix = env.DISTRIBUTED_PREFIX ?? 'mallbots';
      await dropDatabases(
        adminUrl,
        MODULE_NAMES.map((name) => `${prefix}_${name}`),
      );
    },
  };
}

async function stopLauncher(launcher: ChildProcess, exited: Promise<number | NodeJS.Signals>) {
  if (launcher.exitCode === null && launcher.signalCode === null) launcher.kill('SIGINT');
  return exited;
}
