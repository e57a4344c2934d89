import type { UnitOfWork } from '@tessera/platform/ddd';

/** For rows kept in memory: the work runs as it is, and what waits for the commit runs when asked. */
export const inMemoryUnitOfWork: UnitOfWork = {
  transaction: (work) => work(),
  afterCommit: async (callback) => {
    await callback();
  },
};
