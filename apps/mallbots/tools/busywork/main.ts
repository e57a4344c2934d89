import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { MIXES, type Mix } from './activities.js';
import { progressLine, reportText } from './format.js';
import { type BusyworkOptions, DEFAULTS, runBusywork } from './run.js';

const USAGE = `usage: npm run busywork -- [--clients 5] [--duration 60s] [--url ${DEFAULTS.url}] [--pace 8s]
       [--seed n] [--mix reference|buy] [--drain 60s] [--json]`;

/** "60s", "500ms", "2m" or a number of seconds, in ms. */
export function durationMs(text: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match)
    throw new Error(`${option} must be a duration such as 60s, 500ms or 2m (got ${JSON.stringify(text)})`);
  const unit = match[2] ?? 's';
  return Math.round(Number(match[1]) * (unit === 'ms' ? 1 : unit === 's' ? 1_000 : 60_000));
}

export function parseOptions(
  args: readonly string[],
): Partial<BusyworkOptions> & { seed: number; json: boolean } {
  const { values } = parseArgs({
    args: [...args],
    options: {
      clients: { type: 'string' },
      duration: { type: 'string' },
      url: { type: 'string' },
      pace: { type: 'string' },
      seed: { type: 'string' },
      mix: { type: 'string' },
      drain: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  const clients = Number(values.clients ?? DEFAULTS.clients);
  if (!Number.isInteger(clients) || clients < 1 || clients > 100)
    throw new Error(`--clients must be a whole number 1–100 (got ${JSON.stringify(values.clients)})`);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  if (!Number.isInteger(seed))
    throw new Error(`--seed must be a whole number (got ${JSON.stringify(values.seed)})`);
  if (values.mix !== undefined && !(values.mix in MIXES))
    throw new Error(
      `--mix must be one of ${Object.keys(MIXES).join(', ')} (got ${JSON.stringify(values.mix)})`,
    );
  if (values.url !== undefined && !/^https?:\/\/[^/]+/.test(values.url))
    throw new Error(`--url must be an http:// URL (got ${JSON.stringify(values.url)})`);
  return {
    clients,
    seed,
    json: values.json ?? false,
    ...(values.url ? { url: values.url } : {}),
    ...(values.mix ? { mix: values.mix as Mix } : {}),
    ...(values.duration ? { durationMs: durationMs(values.duration, '--duration') } : {}),
    ...(values.pace ? { paceMs: durationMs(values.pace, '--pace') } : {}),
    ...(values.drain ? { drainMs: durationMs(values.drain, '--drain') } : {}),
  };
}

async function main() {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  const stop = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nstopping the load; draining (Ctrl-C again to quit at once)\n');
    stop.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  const tty = process.stderr.isTTY;
  let lastPlain = 0;
  const run = runBusywork({
    ...options,
    signal: stop.signal,
    onProgress(progress) {
      if (tty) process.stderr.write(`\r\x1b[2K${progressLine(progress)}`);
      else if (progress.elapsedMs - lastPlain >= 5_000) {
        lastPlain = progress.elapsedMs;
        process.stderr.write(`${progressLine(progress)}\n`);
      }
    },
  });
  const report = await run.catch((error: unknown) => {
    // Only the setup can fail this way (the mall could not be stocked): calls during the load are counted.
    process.stderr.write(
      `\nbusywork could not start against ${options.url ?? DEFAULTS.url}: ${(error as Error).message}\n`,
    );
    process.exit(1);
  });
  if (tty) process.stderr.write('\n');
  process.stdout.write(`${options.json ? JSON.stringify(report, null, 2) : reportText(report)}\n`);
  process.exit(report.ok ? 0 : 1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
