import { isDeepStrictEqual } from 'node:util';
import { type AggregateType, DomainError, type DomainEvent, type ErrorKind, fold } from '../ddd/index.js';

/**
 * Given/when/then for aggregates: given past events, when a command runs on the folded state,
 * then these events (or this domain error). Pure: no database.
 */
export function aggregateSpec<State, Event extends DomainEvent>(type: AggregateType<State, Event>) {
  return {
    given(...history: Event[]) {
      const state = fold(type, history);
      return {
        state,
        when(command: (state: State, version: number) => readonly Event[]) {
          let outcome: { events: readonly Event[] } | { error: unknown };
          try {
            outcome = { events: command(state, history.length) };
          } catch (error) {
            outcome = { error };
          }
          return {
            thenEvents(...expected: Event[]): State {
              if ('error' in outcome) throw new Error(`expected events, got error: ${String(outcome.error)}`);
              assertEqual(outcome.events, expected);
              return fold(type, outcome.events, state);
            },
            thenFails(expected: { kind?: ErrorKind; code?: string; message?: string }): DomainError {
              if (!('error' in outcome)) {
                throw new Error(`expected a domain error, got events ${JSON.stringify(outcome.events)}`);
              }
              const error = outcome.error;
              if (!(error instanceof DomainError)) throw error;
              for (const key of ['kind', 'code', 'message'] as const) {
                if (expected[key] !== undefined && expected[key] !== error[key]) {
                  throw new Error(`expected error ${key} ${expected[key]}, got ${error[key]}`);
                }
              }
              return error;
            },
          };
        },
      };
    },
  };
}

function assertEqual(actual: unknown, expected: unknown) {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Error(`expected events\n  ${JSON.stringify(expected)}\ngot\n  ${JSON.stringify(actual)}`);
  }
}
