import type { RunningModule } from './module.js';

/** What a module starts and must stop: a subscription, a projector, a dispatcher, deadlines… */
export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * The running module whose `stop` stops each step in turn, in the order given; a step that is a list stops
 * its members together (a module's subscriptions, typically).
 */
export function stopsInTurn(...steps: ReadonlyArray<Stoppable | readonly Stoppable[]>): RunningModule {
  return {
    async stop() {
      for (const step of steps) {
        await Promise.all(('stop' in step ? [step] : step).map((part) => part.stop()));
      }
    },
  };
}
