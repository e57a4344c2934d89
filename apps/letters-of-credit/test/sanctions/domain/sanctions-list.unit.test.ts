import { ConfigError } from '@tessera/platform/runtime';
import { aggregateSpec } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import * as SanctionsList from '../../../src/sanctions/domain/sanctions-list.js';
import { sanctionedCountriesFrom } from '../../../src/sanctions/module.js';

const spec = aggregateSpec(SanctionsList.aggregate);
const at = new Date('2026-02-03T04:05:06.007Z');
const when = at.toISOString();
const established = (...countries: string[]): SanctionsList.Event => ({
  type: 'sanctions.SanctionsListEstablished',
  data: { countries, at: when },
});

describe('the sanctions list: establish', () => {
  it('establishes the first list in alphabetical order, each country once', () => {
    const state = spec
      .given()
      .when((s) => SanctionsList.establish(s, { countries: ['XS', 'KP', 'XS'], at }))
      .thenEvents(established('KP', 'XS'));
    expect(state).toEqual({ established: true, countries: ['KP', 'XS'], changedAt: when });
  });

  it('may establish an empty list', () => {
    spec
      .given()
      .when((s) => SanctionsList.establish(s, { countries: [], at }))
      .thenEvents(established());
  });

  it('changes nothing once there is a list, whatever the configuration says now', () => {
    spec
      .given(established('XS'))
      .when((s) => SanctionsList.establish(s, { countries: ['KP'], at }))
      .thenEvents();
  });

  it('refuses what is not a country code', () => {
    for (const bad of ['xs', 'X', 'XSS', '1A', '']) {
      spec
        .given()
        .when((s) => SanctionsList.establish(s, { countries: [bad], at }))
        .thenFails({ kind: 'invalid_argument', code: 'country_code_invalid' });
    }
  });
});

describe('the sanctions list: sanction and lift', () => {
  it('sanctions a country, keeping the list in order', () => {
    const state = spec
      .given(established('XS'))
      .when((s) => SanctionsList.sanction(s, { country: 'KP', at }))
      .thenEvents({ type: 'sanctions.CountrySanctioned', data: { country: 'KP', at: when } });
    expect(state).toEqual({ established: true, countries: ['KP', 'XS'], changedAt: when });
  });

  it('changes nothing for a country sanctioned already', () => {
    spec
      .given(established('XS'))
      .when((s) => SanctionsList.sanction(s, { country: 'XS', at }))
      .thenEvents();
  });

  it('lifts a sanction', () => {
    const state = spec
      .given(established('KP', 'XS'))
      .when((s) => SanctionsList.lift(s, { country: 'XS', at }))
      .thenEvents({ type: 'sanctions.SanctionLifted', data: { country: 'XS', at: when } });
    expect(state).toEqual({ established: true, countries: ['KP'], changedAt: when });
  });

  it('lifts only a sanction in force: another country is not found on the list', () => {
    const error = spec
      .given(established('XS'))
      .when((s) => SanctionsList.lift(s, { country: 'XW', at }))
      .thenFails({ kind: 'not_found', code: 'country_not_sanctioned' });
    expect(error.message).toBe('XW is not on the sanctions list');
  });

  it('refuses a code that is no country, naming it', () => {
    for (const change of [SanctionsList.sanction, SanctionsList.lift]) {
      const error = spec
        .given(established('XS'))
        .when((s) => change(s, { country: 'Sokovia', at }))
        .thenFails({ kind: 'invalid_argument', code: 'country_code_invalid' });
      expect(error.field).toBe('code');
    }
  });

  it('changes nothing before the list is established', () => {
    for (const change of [SanctionsList.sanction, SanctionsList.lift]) {
      spec
        .given()
        .when((s) => change(s, { country: 'XS', at }))
        .thenFails({ kind: 'failed_precondition', code: 'sanctions_list_not_established' });
    }
  });
});

describe('LC_SANCTIONED_COUNTRIES', () => {
  it('is XS (the book’s Sokovia) when unset or empty', () => {
    expect(sanctionedCountriesFrom(undefined)).toEqual(['XS']);
    expect(sanctionedCountriesFrom(' ')).toEqual(['XS']);
  });

  it('is comma-separated codes, spaces and case forgiven', () => {
    expect(sanctionedCountriesFrom('XS, kp ,IR')).toEqual(['XS', 'KP', 'IR']);
  });

  it('names the variable and each bad code', () => {
    expect(() => sanctionedCountriesFrom('XS,Sokovia,,X')).toThrow(ConfigError);
    expect(() => sanctionedCountriesFrom('XS,Sokovia,,X')).toThrow(
      /LC_SANCTIONED_COUNTRIES .*"SOKOVIA", "", "X"/,
    );
  });
});
