import { aggregateSpec } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import * as Store from '../../../src/stores/domain/store.js';

const spec = aggregateSpec(Store.aggregate);
const created: Store.Event = { type: 'stores.StoreCreated', data: { name: 'Acme', location: 'Level 1' } };
const enabled: Store.Event = { type: 'stores.StoreParticipationEnabled', data: {} };
const disabled: Store.Event = { type: 'stores.StoreParticipationDisabled', data: {} };
const storeNotFound = {
  kind: 'not_found',
  code: 'store_not_found',
  message: 'store with that ID does not exist',
} as const;

describe('Store: create', () => {
  it('records StoreCreated with the name and location trimmed; the new store is not participating', () => {
    const state = spec
      .given()
      .when((s) => Store.create(s, { name: '  Acme ', location: ' Level 1 ' }))
      .thenEvents(created);
    expect(state).toEqual({ exists: true, name: 'Acme', location: 'Level 1', participating: false });
  });

  it.each(['', '   '])('refuses a blank name (%j)', (name) => {
    spec
      .given()
      .when((s) => Store.create(s, { name, location: 'Level 1' }))
      .thenFails({
        kind: 'invalid_argument',
        code: 'store_name_blank',
        message: 'the store name cannot be blank',
      });
  });

  it.each(['', ' \t '])('refuses a blank location (%j)', (location) => {
    const error = spec
      .given()
      .when((s) => Store.create(s, { name: 'Acme', location }))
      .thenFails({
        kind: 'invalid_argument',
        code: 'store_location_blank',
        message: 'the store location cannot be blank',
      });
    expect(error.field).toBe('location');
  });

  it('refuses to create a store twice under one id', () => {
    spec
      .given(created)
      .when((s) => Store.create(s, { name: 'Acme', location: 'Level 1' }))
      .thenFails({ kind: 'already_exists', code: 'store_already_exists' });
  });
});

describe('Store: participation', () => {
  it('enables participation', () => {
    const state = spec.given(created).when(Store.enableParticipation).thenEvents(enabled);
    expect(state.participating).toBe(true);
  });

  it('refuses to enable participation twice', () => {
    spec.given(created, enabled).when(Store.enableParticipation).thenFails({
      kind: 'failed_precondition',
      code: 'store_already_participating',
      message: 'the store is already participating',
    });
  });

  it('disables participation', () => {
    const state = spec.given(created, enabled).when(Store.disableParticipation).thenEvents(disabled);
    expect(state.participating).toBe(false);
  });

  it('refuses to disable participation of a store that is not participating', () => {
    for (const history of [[created], [created, enabled, disabled]]) {
      spec
        .given(...history)
        .when(Store.disableParticipation)
        .thenFails({
          kind: 'failed_precondition',
          code: 'store_already_not_participating',
          message: 'the store is already not participating',
        });
    }
  });

  it('can enable participation again after disabling it', () => {
    spec.given(created, enabled, disabled).when(Store.enableParticipation).thenEvents(enabled);
  });
});

describe('Store: rebrand', () => {
  it('records StoreRebranded with the trimmed name', () => {
    const state = spec
      .given(created)
      .when((s) => Store.rebrand(s, { name: ' Acme Deluxe ' }))
      .thenEvents({ type: 'stores.StoreRebranded', data: { name: 'Acme Deluxe' } });
    expect(state.name).toBe('Acme Deluxe');
  });

  it('refuses a blank name', () => {
    spec
      .given(created)
      .when((s) => Store.rebrand(s, { name: '  ' }))
      .thenFails({
        kind: 'invalid_argument',
        code: 'store_name_blank',
        message: 'the store name cannot be blank',
      });
  });

  it('records nothing when the name does not change', () => {
    spec
      .given(created)
      .when((s) => Store.rebrand(s, { name: 'Acme ' }))
      .thenEvents();
  });
});

describe('Store: commands on a store that does not exist', () => {
  it.each([
    ['enableParticipation', (s: Store.State) => Store.enableParticipation(s)],
    ['disableParticipation', (s: Store.State) => Store.disableParticipation(s)],
    ['rebrand', (s: Store.State) => Store.rebrand(s, { name: 'Acme' })],
  ])('%s is refused as not found', (_name, command) => {
    spec.given().when(command).thenFails(storeNotFound);
  });
});
