import { found } from '@tessera/platform/ddd';
import * as SanctionsList from '../domain/sanctions-list.js';
import { SANCTIONS_LIST_ID } from './commands.js';
import type { SanctionsListRepository } from './ports.js';

/** The list as it is now, with its version (what each published copy carries). */
export interface SanctionsListView {
  readonly countries: readonly SanctionsList.CountryCode[];
  readonly version: number;
  readonly changedAt: string;
}

export interface SanctionsQueries {
  /** Undefined until the list is established (the module's first start). */
  find(): Promise<SanctionsListView | undefined>;
  /** The same, not_found until the list is established. */
  current(): Promise<SanctionsListView>;
}

export function createSanctionsQueries({ list }: { list: SanctionsListRepository }): SanctionsQueries {
  const find = async () => {
    const { state, version } = await list.load(SANCTIONS_LIST_ID);
    return state.established
      ? { countries: state.countries, version, changedAt: state.changedAt }
      : undefined;
  };
  return { find, current: async () => found(await find(), SanctionsList.listNotEstablished) };
}
