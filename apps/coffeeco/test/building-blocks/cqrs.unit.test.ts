import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Operation, operationsOf, programOf, untypedVariadics } from './cqs-analysis.js';

const repository = join(import.meta.dirname, '../../../..');
const sources = join(repository, 'apps/coffeeco/src');

/** Every TypeScript file of CoffeeCo, whatever modules it has today. */
const allFiles = readdirSync(sources, { recursive: true, encoding: 'utf8' })
  .filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))
  .map((path) => join(sources, path));

/**
 * The application layer as its callers (routes, handlers, RPC services) see it: each module's application/
 * folder but its driven ports (`ports.ts`: repositories, views, outboxes, whose rules are the repositories'),
 * and the building blocks' application services.
 */
const applicationLayer = allFiles.filter((file) => {
  const path = relative(sources, file).split(sep);
  if (path.at(-1) === 'ports.ts') return false;
  return (
    path[1] === 'application' ||
    (path[0] === 'building-blocks' && path[1] === 'services' && path[2] !== 'adapters')
  );
});

/**
 * Commands that answer something other than nothing, each with the reason B.2 allows it (the known tension of
 * CQS: conventional APIs answer the id they made, or the outcome the caller cannot be told later). Entries of
 * modules on other branches when this was written are here already; a command missing from this list fails
 * the test, which names it.
 */
const ANSWERING_COMMANDS: Readonly<Record<string, string>> = {
  'Purchases.record':
    'the till’s one call answers the purchase it recorded (completed, pending or declined): the person at the till ' +
    'cannot be told later; the id is the client’s (the idempotency key), so asking again reads the same purchase',
  'CoffeeLovers.register':
    'answers the id the service generated for the new coffee lover (a server-generated id)',
  'Stores.open': 'answers the id the service generated for the new store (a server-generated id)',
  'Stores.sell': 'answers the store as the change left it, for the route’s answer in the same round trip',
  'Stores.giveDiscount':
    'answers the store as the change left it, for the route’s answer in the same round trip',
  'LoyaltyCommands.stampPurchase':
    'answers whether this delivery stamped the card (false: stamped before), which the inbox handler reports; ' +
    'idempotent by purchase id',
  'LoyaltyCommands.redeem':
    'FreeDrinksService’s contract answers the outcome to the till over RPC; idempotent by purchase id, so asking ' +
    'again only reads the outcome of the first time',
  'LeadCreator.CreateLead':
    'the book’s LeadCreator (UL-1) answers the Lead it created, with its generated id',
  'SubscriptionsCommands.CreateLead':
    'the book’s LeadCreator (UL-1), with a login: answers the Lead it created',
  'LeadConvertor.Convert': 'the book’s LeadConvertor (UL-2) answers the Customer the lead became',
  'Marketing.launchCampaign': 'answers the id marketing generated for the launch (a server-generated id)',
};

/** Operations whose names the check would take for commands, but which only answer a question. */
const QUERIES_BY_NAME: Readonly<Record<string, string>> = {
  'SubscriptionsCommands.convertorOf': 'hands out the book’s LeadConvertor for a lead; changes nothing',
  'Marketing.launch': 'reads one launch by id',
  'TripRecommendations.recommend':
    'asks the partner for availability and answers the cheapest trip; nothing of ours changes (a cached last good ' +
    'availability is a copy of the partner’s answer, not state a caller could observe)',
};

const isVoid = (returns: string) => returns === 'void' || returns === 'Promise<void>';
const listed = (operation: Operation, list: Readonly<Record<string, string>>) =>
  operation.keys.some((key) => Object.hasOwn(list, key));
const commandsThatAnswer = (operations: readonly Operation[]) =>
  operations
    .filter((op) => op.kind === 'command' && !isVoid(op.returns))
    .filter((op) => !listed(op, ANSWERING_COMMANDS) && !listed(op, QUERIES_BY_NAME))
    .map((op) => `${op.keys[0]} returns ${op.returns} (${relative(repository, op.file)})`);

/** Small programs of their own, to show each check can fail. */
const FIXTURES: Record<string, string> = {
  '/fixture/cqrs.ts': `
    export interface Commander { Command(ctx: object, ...args: unknown[]): Promise<void> }
    export interface Querier { Question(ctx: object, ...args: any[]): Promise<unknown> }
    export interface Stamps { stamp(...purchaseIds: string[]): Promise<void> }
  `,
  '/fixture/application/commands.ts': `
    export interface ShopCommands { open(location: string): Promise<{ id: string }>; close(id: string): Promise<void> }
  `,
  '/fixture/application/things.ts': `
    export function createThings() {
      return {
        get: async (id: string) => ({ id }),
        make: async (name: string) => ({ id: name }),
        rename: async (id: string, name: string): Promise<void> => {},
      };
    }
  `,
};

let program: ts.Program;
let fixture: ts.Program;
beforeAll(() => {
  fixture = programOf(FIXTURES);
  const config = ts.getParsedCommandLineOfConfigFile(
    join(repository, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error('tsconfig.json could not be read');
  program = ts.createProgram(allFiles, config.options);
}, 120_000);

describe('CQRS-5: no generic Commander or Querier', () => {
  it('no exported type of CoffeeCo has a method taking any number of untyped arguments', () => {
    expect(untypedVariadics(program, allFiles)).toEqual([]);
  });

  it('(the check finds the book’s Commander and Querier, and leaves typed rest parameters alone)', () => {
    expect(untypedVariadics(fixture, ['/fixture/cqrs.ts'])).toEqual([
      'cqrs.ts: Commander.Command',
      'cqrs.ts: Querier.Question',
    ]);
  });
});

describe('CQRS-1, CQRS-3: a command returns nothing; the exceptions are listed with their reasons', () => {
  it('every command of the application layer returns Promise<void>, or is listed with a reason', () => {
    const violations = commandsThatAnswer(operationsOf(program, applicationLayer));
    expect(
      violations,
      'A command answers something: make it return Promise<void> (a client-generated id instead of a returned one), ' +
        'or add it to ANSWERING_COMMANDS (or QUERIES_BY_NAME, for a query the check mistook) with the reason',
    ).toEqual([]);
  });

  it('checks the application services it finds, the building blocks’ among them', () => {
    const operations = operationsOf(program, applicationLayer);
    const find = (key: string) => operations.find((op) => op.keys.includes(key));
    expect(find('BookingAppService.CreateBooking')).toMatchObject({
      kind: 'command',
      returns: 'Promise<void>',
    });
    expect(find('CheckoutService.AddProductToBasket')).toMatchObject({ kind: 'command', returns: 'void' });
    expect(find('Product.CanBeBought')).toMatchObject({ kind: 'query', returns: 'boolean' });
  });

  it('(the check fails a command that answers, through an interface or what a factory returns)', () => {
    const operations = operationsOf(fixture, [
      '/fixture/application/commands.ts',
      '/fixture/application/things.ts',
    ]);
    expect(commandsThatAnswer(operations).map((line) => line.split(' ')[0])).toEqual([
      'ShopCommands.open',
      'createThings.make',
    ]);
  });

  it('every listed exception says why', () => {
    for (const reason of [...Object.values(ANSWERING_COMMANDS), ...Object.values(QUERIES_BY_NAME)]) {
      expect(reason.length).toBeGreaterThan(20);
    }
  });
});
