import type { AggregateStore } from '@tessera/platform/ddd';
import * as LCApplication from '../domain/lc-application.js';

export interface LCApplicationQueries {
  /** One application as its own events make it now (not a projection: a client reads its own writes). */
  getApplication(input: { id: string }): Promise<LCApplication.State>;
}

export function createLCApplicationQueries({
  applications,
}: {
  applications: Pick<AggregateStore<LCApplication.State, LCApplication.Event>, 'load'>;
}): LCApplicationQueries {
  return {
    async getApplication({ id }) {
      const { state } = await applications.load(id);
      if (state.status === 'none') throw LCApplication.lcApplicationNotFound();
      return state;
    },
  };
}
