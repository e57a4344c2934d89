import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

/**
 * Loaded before every `*.unit.test.ts`: a unit test is pure, so opening a socket (a database, a broker, an HTTP
 * server) or starting a process fails it at once, naming the rule, instead of passing as "unit" while it
 * waits on a server.
 */
const refuse = (what: string) => () => {
  throw new Error(
    `a unit test may not ${what}: name the file *.test.ts (integration) or *.e2e.test.ts instead`,
  );
};
net.Socket.prototype.connect = refuse('open a connection') as never;
net.Server.prototype.listen = refuse('listen on a port') as never;
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const) {
  (childProcess as unknown as Record<string, unknown>)[name] = refuse('start a process');
}
// Named imports of built-in modules (`import { spawn } from ...`) see the replacements only after this.
syncBuiltinESMExports();
