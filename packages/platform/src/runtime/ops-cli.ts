import { parseArgs } from 'node:util';
import type { Broker, DeadLetter, GroupLag } from '../messaging/index.js';
import { migrate, openDatabase } from '../sql/index.js';
import { brokerMigrations, openBroker } from './broker.js';
import type { Config } from './config.js';

/**
 * The messaging operations from a terminal: list, show and re-drive dead letters, and the consumer lag. The
 * same answers as the admin routes (`admin-routes.ts`), for when no server runs or none is reachable.
 * Exit codes: 0 done, 1 failed, 2 the command line is wrong (with the usage on stderr).
 */

export const OPS_USAGE = `commands:
  dead-letters list [--group <group>] [--limit <n>] [--json]
      the oldest dead letters (at most 100 unless --limit, up to 1000), of one group or of all
  dead-letters show <id> [--json]
      one dead letter with the message it holds
  dead-letters redrive <id>... [--json]
  dead-letters redrive --group <group> [--json]
      deliver them again to their group (attempts start again at 1)
  lag [--json]
      per consumer group: messages pending, how long the oldest has waited, dead letters`;

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;
/** At most this many ids per `redrive` call: one statement each, of bounded size. */
export const REDRIVE_BATCH = 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type OpsCommand =
  | { kind: 'help' }
  | { kind: 'list'; group?: string; limit: number; json: boolean }
  | { kind: 'show'; id: string; json: boolean }
  | { kind: 'redrive'; ids: string[]; group?: string; json: boolean }
  | { kind: 'lag'; json: boolean };

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface OpsIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: OpsIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/** Reads a command line (without the program); throws a UsageError saying what is wrong. */
export function parseOpsArgs(args: readonly string[]): OpsCommand {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    // node:util reports unknown options and missing option values as TypeErrors with a clear message.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  const json = values.json ?? false;
  const [area, action, ...rest] = positionals;
  const only = (command: string, allowed: ReadonlyArray<'group' | 'limit'>) => {
    for (const option of ['group', 'limit'] as const) {
      if (values[option] !== undefined && !allowed.includes(option)) {
        throw new UsageError(`--${option} does not apply to ${command}`);
      }
    }
  };
  const group = values.group;
  if (group !== undefined && group.trim() === '') throw new UsageError('--group needs a group name');

  if (area === 'lag') {
    if (action !== undefined) throw new UsageError(`lag takes no arguments (got "${action}")`);
    only('lag', []);
    return { kind: 'lag', json };
  }
  if (area !== 'dead-letters') {
    throw new UsageError(area === undefined ? 'no command given' : `unknown command "${area}"`);
  }
  switch (action) {
    case 'list': {
      only('dead-letters list', ['group', 'limit']);
      if (rest.length > 0) throw new UsageError(`dead-letters list takes no ids (got "${rest[0]}")`);
      return { kind: 'list', ...(group === undefined ? {} : { group }), limit: limitOf(values.limit), json };
    }
    case 'show': {
      only('dead-letters show', []);
      if (rest.length !== 1) throw new UsageError('dead-letters show takes one id');
      return { kind: 'show', id: checkedId(rest[0]!), json };
    }
    case 'redrive': {
      only('dead-letters redrive', ['group']);
      if (rest.length > 0 === (group !== undefined)) {
        throw new UsageError('dead-letters redrive takes ids, or --group <group>, not both');
      }
      return { kind: 'redrive', ids: rest.map(checkedId), ...(group === undefined ? {} : { group }), json };
    }
    default:
      throw new UsageError(
        action === undefined
          ? 'dead-letters needs list, show or redrive'
          : `unknown dead-letters command "${action}"`,
      );
  }
}

const parse = (args: readonly string[]) =>
  parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      group: { type: 'string', short: 'g' },
      limit: { type: 'string', short: 'n' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });

function limitOf(given: string | undefined): number {
  if (given === undefined) return DEFAULT_LIST_LIMIT;
  const limit = Number(given);
  if (!/^\d+$/.test(given) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new UsageError(`--limit must be a whole number from 1 to ${MAX_LIST_LIMIT} (got "${given}")`);
  }
  return limit;
}

function checkedId(id: string): string {
  if (!UUID.test(id)) throw new UsageError(`"${id}" is not a dead letter id (a UUID)`);
  return id.toLowerCase();
}

/**
 * Re-drives every dead letter a group has now, in batches. The ids are read first: re-driven messages whose
 * handler fails again at once come back as new dead letters, and re-driving until none is left would not end.
 */
export async function redriveGroup(broker: Broker, group: string): Promise<number> {
  const ids = (await broker.deadLetters.list(group)).map((letter) => letter.id);
  let moved = 0;
  for (let start = 0; start < ids.length; start += REDRIVE_BATCH) {
    moved += await broker.deadLetters.redrive(ids.slice(start, start + REDRIVE_BATCH));
  }
  return moved;
}

/** A dead letter as the routes and the CLI show it in lists: without its message. */
export const deadLetterSummary = (letter: DeadLetter) => ({
  id: letter.id,
  group: letter.group,
  messageId: letter.messageId,
  subject: letter.subject,
  type: letter.type,
  reason: letter.reason,
  attempts: letter.attempts,
  deadAt: letter.deadAt.toISOString(),
});

/** Runs a parsed command against a broker; resolves to the exit code. */
export async function executeOps(
  command: OpsCommand,
  broker: Broker,
  io: OpsIo = processIo,
): Promise<number> {
  const json = (value: unknown) => {
    io.out(JSON.stringify(value, null, 2));
    return 0;
  };
  try {
    switch (command.kind) {
      case 'help':
        io.out(OPS_USAGE);
        return 0;
      case 'list': {
        // One more than asked: tells whether there are more without counting them all.
        const letters = await broker.deadLetters.list(command.group, { limit: command.limit + 1 });
        const truncated = letters.length > command.limit;
        const shown = letters.slice(0, command.limit).map(deadLetterSummary);
        if (command.json) return json({ deadLetters: shown, truncated });
        if (shown.length === 0) {
          io.out(command.group === undefined ? 'no dead letters' : `no dead letters in ${command.group}`);
          return 0;
        }
        io.out(
          table(
            ['ID', 'GROUP', 'SUBJECT', 'TYPE', 'ATTEMPTS', 'DEAD AT', 'REASON'],
            shown.map((l) => [
              l.id,
              l.group,
              l.subject,
              l.type || '-',
              String(l.attempts),
              l.deadAt,
              oneLine(l.reason),
            ]),
          ),
        );
        if (truncated) io.out(`(the oldest ${command.limit} shown; there are more: --group or --limit)`);
        return 0;
      }
      case 'show': {
        const letter = await broker.deadLetters.get(command.id);
        if (!letter) {
          io.err(`no dead letter ${command.id}`);
          return 1;
        }
        const shown = { ...deadLetterSummary(letter), envelope: letter.envelope };
        if (command.json) return json(shown);
        const { envelope, ...fields } = shown;
        const width = Math.max(...Object.keys(fields).map((key) => key.length));
        for (const [key, value] of Object.entries(fields)) io.out(`${`${key}:`.padEnd(width + 2)}${value}`);
        io.out(`envelope:\n${JSON.stringify(envelope, null, 2)}`);
        return 0;
      }
      case 'redrive': {
        const redriven =
          command.group === undefined
            ? await broker.deadLetters.redrive(command.ids)
            : await redriveGroup(broker, command.group);
        if (command.json) return json({ redriven });
        const missed = command.group === undefined ? command.ids.length - redriven : 0;
        io.out(
          `re-drove ${plural(redriven, 'dead letter')}` +
            (missed > 0 ? ` (${plural(missed, 'id')} matched no dead letter)` : ''),
        );
        return 0;
      }
      case 'lag': {
        const groups = await broker.lag();
        if (command.json) return json({ groups });
        if (groups.length === 0) {
          io.out('no consumer groups');
          return 0;
        }
        io.out(
          table(
            ['GROUP', 'PENDING', 'OLDEST', 'DEAD LETTERS'],
            groups.map((g: GroupLag) => [
              g.group,
              String(g.pending),
              g.oldestPendingMs === undefined ? '-' : duration(g.oldestPendingMs),
              String(g.deadLetters),
            ]),
          ),
        );
        return 0;
      }
    }
  } catch (error) {
    io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

/** The command, or undefined after printing what is wrong with the command line and the usage. */
function commandOrUsage(args: readonly string[], io: OpsIo): OpsCommand | undefined {
  try {
    return parseOpsArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`${error.message}\n\n${OPS_USAGE}`);
    return undefined;
  }
}

/** Parses and runs a command line against a broker: what tests and other front ends call. */
export async function runOpsCli(args: readonly string[], broker: Broker, io: OpsIo = processIo) {
  const command = commandOrUsage(args, io);
  return command ? executeOps(command, broker, io) : 2;
}

export interface RunOpsOptions {
  /** The application's name (the database connection is named after it). */
  name: string;
  config: Config;
  args: readonly string[];
  io?: OpsIo;
}

/**
 * An application's ops script: checks the command line before opening anything, then opens the database
 * from the config and the broker as the host does (today the embedded one: keep in step with `host.ts`),
 * without starting modules or subscribing. With PGlite the database is a folder one process may open at a
 * time: stop the server first, or use the admin routes.
 */
export async function runOps({ name, config, args, io = processIo }: RunOpsOptions): Promise<number> {
  const command = commandOrUsage(args, io);
  if (!command) return 2;
  if (command.kind === 'help') {
    io.out(OPS_USAGE);
    return 0;
  }
  let db: Awaited<ReturnType<typeof openDatabase>> | undefined;
  try {
    db = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      applicationName: `${name} ops`,
    });
    // As the host does on start: on a database no host has run on yet, the answers are empty, not errors.
    await migrate(db, [brokerMigrations(config)]);
  } catch (error) {
    io.err(`error: cannot open the database: ${error instanceof Error ? error.message : String(error)}`);
    await db?.close().catch(() => {});
    return 1;
  }
  let broker: Broker;
  try {
    broker = await openBroker(config, db, { name: `${name} ops` });
  } catch (error) {
    io.err(`error: cannot open the broker: ${error instanceof Error ? error.message : String(error)}`);
    await db.close().catch(() => {});
    return 1;
  }
  try {
    return await executeOps(command, broker, io);
  } finally {
    await broker.close();
    await db.close();
  }
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Reasons are error messages: possibly long, possibly several lines. */
const oneLine = (text: string, max = 80) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function duration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${(ms / 1000).toFixed(1)}s`;
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
  return h > 0 ? `${h}h ${m}m` : `${m}m ${s}s`;
}
