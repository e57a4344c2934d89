import { type ChildProcess, spawn } from 'node:child_process';
import type { Application } from '../application.js';
import { dropDatabases } from './databases.js';
import { CREATING_DATABASES, LAUNCHED } from './plan.js';

/** The distributed topology, started by the launcher as a child process (tests, specifications). */
export interface LaunchedTopology {
  readonly gatewayUrl: string;
  /** Each process the launcher listed: module (or gateway, robots) → its HTTP URL, RPC URL and pid. */
  readonly processes: ReadonlyMap<string, { http?: string; rpc?: string; pid: number }>;
  /** The launcher's own process id. */
  readonly pid: number;
  /** Its output so far (progress lines, the table, why it stopped). */
  output(): string;
  /** Resolves with the launcher's exit code (or signal) once it has exited, whatever the cause. */
  readonly exited: Promise<number | NodeJS.Signals>;
  /** SIGINT, as Ctrl-C: resolves with the launcher's exit code once it has exited. */
  stop(): Promise<number | NodeJS.Signals>;
  /** Drops the databases and roles it said it made (each module's, and the identity provider's). */
  dropDatabases(adminUrl: string): Promise<void>;
}

const ROW = /^ {2}(\S+)\s+(http:\/\/\S+|-)\s+(?:-> )?(http:\/\/\S+|-)\s+(\d+)\s/;

/** One application (tests, specifications), or several behind the one gateway; `APPS` names them. */
export type LaunchDistributedOptions = (
  | { readonly application: Application; readonly applications?: never }
  | { readonly applications: readonly Application[]; readonly application?: never }
) & {
  /** The repository's entry script (which runs `launch`), and the folder it runs in. */
  readonly entry: string;
  readonly cwd: string;
  /** Node's options before the entry (e.g. `--import tsx`); this process's own unless given. */
  readonly node?: readonly string[];
  /** On top of this process's environment. */
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
};

/**
 * Runs the launcher (`<entry> launch`, as `npm run start:distributed` does) for one application or several,
 * resolving once it prints that everything is ready; rejects with its output if it exits first or takes longer
 * than `timeoutMs`.
 */
export async function launchDistributed(options: LaunchDistributedOptions): Promise<LaunchedTopology> {
  const { env, timeoutMs = 90_000 } = options;
  const applications = options.applications ?? [options.application];
  const launcher = spawn(process.execPath, [...(options.node ?? process.execArgv), options.entry, 'launch'], {
    cwd: options.cwd,
    env: { ...process.env, APPS: applications.map((application) => application.name).join(','), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | NodeJS.Signals>((resolve) =>
    launcher.once('exit', (code, signal) => resolve(code ?? signal ?? 1)),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      launcher.kill('SIGINT');
      reject(new Error(`the launcher was not ready within ${timeoutMs / 1000}s; its output:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes(LAUNCHED)) {
        clearTimeout(timer);
        resolve();
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
  const gatewayUrl = processes.get('gateway')?.http;
  if (!gatewayUrl) {
    await stopLauncher(launcher, exited);
    throw new Error(`the launcher listed no gateway; its output:\n${output}`);
  }
  return {
    gatewayUrl,
    pid: launcher.pid ?? -1,
    processes,
    exited,
    output: () => output,
    stop: () => stopLauncher(launcher, exited),
    async dropDatabases(adminUrl) {
      const made = new RegExp(`^${CREATING_DATABASES} (.+) \\(if missing\\)`, 'm').exec(output)?.[1];
      await dropDatabases(adminUrl, made?.split(', ') ?? []);
    },
  };
}

async function stopLauncher(launcher: ChildProcess, exited: Promise<number | NodeJS.Signals>) {
  if (launcher.exitCode === null && launcher.signalCode === null) launcher.kill('SIGINT');
  return exited;
}
