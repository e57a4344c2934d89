import {
  type AggregateType,
  type DomainEvent,
  failedPrecondition,
  invalidArgument,
  notFound,
} from '@tessera/platform/ddd';
import { z } from 'zod';

/**
 * The sanctions list (§2.5): the countries trade with which is prohibited, a lookup store other contexts keep
 * a copy of (§7.1). One list for the bank: established once from configuration, then kept by its sanctions
 * officers, a country at a time.
 */

/** ISO 3166-1 alpha-2; user-assigned codes too (the book's Sokovia is XS, Wakanda XW). */
export const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be a two-letter country code (ISO 3166-1 alpha-2), in capitals');
export type CountryCode = z.infer<typeof countryCode>;

export type State =
  | { readonly established: false }
  | {
      readonly established: true;
      /** In alphabetical order, each once. */
      readonly countries: readonly CountryCode[];
      /** ISO 8601: when it last changed. */
      readonly changedAt: string;
    };

export type Event =
  | DomainEvent<'sanctions.SanctionsListEstablished', { countries: CountryCode[]; at: string }>
  | DomainEvent<'sanctions.CountrySanctioned', { country: CountryCode; at: string }>
  | DomainEvent<'sanctions.SanctionLifted', { country: CountryCode; at: string }>;

const inOrder = (countries: Iterable<CountryCode>) => [...new Set(countries)].sort();

export const aggregate: AggregateType<State, Event> = {
  name: 'sanctions.SanctionsList',
  initialState: { established: false },
  evolve: (state, event) => {
    const countries = state.established ? state.countries : [];
    switch (event.type) {
      case 'sanctions.SanctionsListEstablished':
        return { established: true, countries: inOrder(event.data.countries), changedAt: event.data.at };
      case 'sanctions.CountrySanctioned':
        return {
          established: true,
          countries: inOrder([...countries, event.data.country]),
          changedAt: event.data.at,
        };
      case 'sanctions.SanctionLifted':
        return {
          established: true,
          countries: countries.filter((country) => country !== event.data.country),
          changedAt: event.data.at,
        };
    }
  },
};

const checked = (country: string, field: string): CountryCode => {
  if (!countryCode.safeParse(country).success) {
    throw invalidArgument('country_code_invalid', `${JSON.stringify(country)} is not a country code`, field);
  }
  return country;
};

/** The first list, from configuration; once there is a list, establishing it again changes nothing. */
export function establish(state: State, input: { countries: readonly string[]; at: Date }): Event[] {
  if (state.established) return [];
  const countries = inOrder(input.countries.map((country) => checked(country, 'countries')));
  return [{ type: 'sanctions.SanctionsListEstablished', data: { countries, at: input.at.toISOString() } }];
}

const established = (state: State) => {
  if (!state.established) {
    throw failedPrecondition('sanctions_list_not_established', 'the sanctions list is not established yet');
  }
  return state;
};

/** Trade with the country becomes prohibited; a country sanctioned already stays so, and nothing changes. */
export function sanction(state: State, input: { country: string; at: Date }): Event[] {
  const country = checked(input.country, 'code');
  if (established(state).countries.includes(country)) return [];
  return [{ type: 'sanctions.CountrySanctioned', data: { country, at: input.at.toISOString() } }];
}

/** Trade with the country is allowed again; only a sanctioned country can have its sanction lifted. */
export function lift(state: State, input: { country: string; at: Date }): Event[] {
  const country = checked(input.country, 'code');
  if (!established(state).countries.includes(country)) throw countryNotSanctioned(country);
  return [{ type: 'sanctions.SanctionLifted', data: { country, at: input.at.toISOString() } }];
}

export const countryNotSanctioned = (country: string) =>
  notFound('country_not_sanctioned', `${country} is not on the sanctions list`);
export const listNotEstablished = () =>
  notFound('sanctions_list_not_established', 'the sanctions list is not established yet');
