import {
  type AggregateType,
  alreadyExists,
  failedPrecondition,
  nonBlank,
  notFound,
} from '@tessera/platform/ddd';
import type { StoreEvent } from './events.js';

/** A store in the mall, and whether it takes part in automated shopping. */
export interface State {
  /** False until the store is created: loading a stream that does not exist gives this empty state. */
  readonly exists: boolean;
  readonly name: string;
  readonly location: string;
  readonly participating: boolean;
}

export type Event = StoreEvent;

export const aggregate: AggregateType<State, Event> = {
  name: 'stores.Store',
  initialState: { exists: false, name: '', location: '', participating: false },
  evolve(state, event) {
    switch (event.type) {
      case 'stores.StoreCreated':
        return { ...state, exists: true, name: event.data.name, location: event.data.location };
      case 'stores.StoreParticipationEnabled':
        return { ...state, participating: true };
      case 'stores.StoreParticipationDisabled':
        return { ...state, participating: false };
      case 'stores.StoreRebranded':
        return { ...state, name: event.data.name };
    }
  },
};

export const storeNotFound = () => notFound('store_not_found', 'store with that ID does not exist');

function mustExist(state: State) {
  if (!state.exists) throw storeNotFound();
}

const nameOf = (name: string) => nonBlank(name, 'store_name_blank', 'the store name cannot be blank', 'name');

export function create(state: State, input: { name: string; location: string }): Event[] {
  if (state.exists) throw alreadyExists('store_already_exists', 'a store with that ID already exists');
  const name = nameOf(input.name);
  const location = nonBlank(
    input.location,
    'store_location_blank',
    'the store location cannot be blank',
    'location',
  );
  return [{ type: 'stores.StoreCreated', data: { name, location } }];
}

export function enableParticipation(state: State): Event[] {
  mustExist(state);
  if (state.participating) {
    throw failedPrecondition('store_already_participating', 'the store is already participating');
  }
  return [{ type: 'stores.StoreParticipationEnabled', data: {} }];
}

export function disableParticipation(state: State): Event[] {
  mustExist(state);
  if (!state.participating) {
    throw failedPrecondition('store_already_not_participating', 'the store is already not participating');
  }
  return [{ type: 'stores.StoreParticipationDisabled', data: {} }];
}

/** Rebranding to the current name changes nothing, so it records nothing (a retried request is harmless). */
export function rebrand(state: State, input: { name: string }): Event[] {
  mustExist(state);
  const name = nameOf(input.name);
  if (name === state.name) return [];
  return [{ type: 'stores.StoreRebranded', data: { name } }];
}
