import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coffeeco } from '../../src/app.js';

/**
 * FAIL-1: every cross-process interaction of CoffeeCo has a named failure strategy, in ADR 0035's table. The
 * interactions are read from the application definition, whichever modules it has: the channels each module
 * publishes and receives, its RPC providers, and its modules.
 */
const adr = readFileSync(
  new URL('../../../../docs/adr/0035-coffeeco-building-blocks-cap-cqrs-failure.md', import.meta.url),
  'utf8',
);

/** The lines of a section, from its heading to the next heading of any level. */
function section(markdown: string, heading: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.replace(/^#+\s*/, '') === heading && line.startsWith('#'));
  if (start < 0) throw new Error(`no section "${heading}"`);
  const end = lines.findIndex((line, index) => index > start && line.startsWith('#'));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

const bold = (text: string) => [...text.matchAll(/\*\*([^*]+)\*\*/g)].map((match) => match[1]!);
const code = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);

/** The strategies the ADR names, each in bold at the start of its bullet. */
const strategies = new Set(
  section(adr, 'Named strategies')
    .filter((line) => line.startsWith('- '))
    .flatMap((line) => bold(line.split(':')[0]!)),
);

interface Row {
  readonly interaction: string;
  readonly from: string;
  readonly to: string;
  readonly transport: string;
  readonly addresses: readonly string[];
  readonly strategies: readonly string[];
  readonly accepted: string;
}

const rows: Row[] = section(adr, 'Cross-process interactions and their failure strategies')
  .filter((line) => line.startsWith('|'))
  .slice(2)
  .map((line) => {
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    const [interaction = '', parties = '', transport = '', address = '', strategy = '', accepted = ''] =
      cells;
    const [from = '', to = ''] = parties.split('→').map((party) => party.trim());
    return {
      interaction,
      from,
      to,
      transport,
      addresses: code(address),
      strategies: bold(strategy),
      accepted,
    };
  });

/** What the definition says crosses a process boundary, and is not in the table. */
function missingFrom(table: readonly Row[], application: typeof coffeeco): string[] {
  const missing: string[] = [];
  for (const module of application.modules) {
    for (const [direction, channels] of [
      ['publishes', module.publishes ?? []],
      ['receives', module.receives ?? []],
    ] as const) {
      for (const { address } of channels) {
        if (!table.some((row) => row.addresses.includes(address))) {
          missing.push(`${module.name} ${direction} ${address}`);
        }
      }
    }
    if (!table.some((row) => row.from === module.name || row.to === module.name)) {
      missing.push(`the module ${module.name}`);
    }
  }
  for (const provider of application.rpcProviders) {
    if (!table.some((row) => /RPC/.test(row.transport) && row.to === provider)) {
      missing.push(`the RPC services of ${provider}`);
    }
  }
  return missing;
}

describe('FAIL-1: a named failure strategy for every cross-process interaction (ADR 0035)', () => {
  it('the table has every channel, RPC provider and module of the application definition', () => {
    expect(
      missingFrom(rows, coffeeco),
      'Add a row to ADR 0035’s table, with its failure strategy and the failure modes it accepts',
    ).toEqual([]);
  });

  it('every row names a strategy the ADR defines, and says which failure modes it accepts', () => {
    expect(rows.length).toBeGreaterThanOrEqual(10);
    expect(strategies).toContain('outbox + inbox (at-least-once, deduplicated)');
    for (const row of rows) {
      expect(row.strategies.length, row.interaction).toBeGreaterThan(0);
      for (const strategy of row.strategies)
        expect(strategies, `${row.interaction}: ${strategy}`).toContain(strategy);
      expect(row.accepted.length, row.interaction).toBeGreaterThan(10);
      expect(row.from && row.to, row.interaction).toBeTruthy();
    }
  });

  it('(the check names what is missing: a channel, a module, an RPC provider)', () => {
    const application = {
      ...coffeeco,
      modules: [
        ...coffeeco.modules,
        {
          name: 'roastery',
          description: 'a module nobody wrote a row for',
          migrations: [],
          publishes: [{ address: 'coffeeco.roastery.events.Roast', description: '', messages: [] }],
          start: async () => ({}),
        },
      ],
      rpcProviders: [...coffeeco.rpcProviders, 'roastery'],
    } as typeof coffeeco;
    expect(missingFrom(rows, application)).toEqual([
      'roastery publishes coffeeco.roastery.events.Roast',
      'the module roastery',
      'the RPC services of roastery',
    ]);
  });
});
