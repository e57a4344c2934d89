import type { SqlClient } from '@tessera/platform/sql';
import type { BotSignals } from '../../application/ports.js';

/** The NOTIFY channel of the bots' wake-ups; the payload is the bot's id. */
export const BOT_SIGNALS_CHANNEL = 'depot_bots';

/**
 * Wake-ups through PostgreSQL's LISTEN/NOTIFY, so a change committed by any depot process reaches the stream
 * of the bot wherever it is connected. One LISTEN per process, shared by every watched bot; an empty payload
 * (the connection was lost and is back) wakes them all, for them to look again.
 */
export function postgresBotSignals(db: Pick<SqlClient, 'listen' | 'notify'>): BotSignals & {
  close(): Promise<void>;
} {
  const watchers = new Map<string, Set<() => void>>();
  let listening: Promise<() => Promise<void>> | undefined;

  const wake = (payload: string) => {
    const woken = payload === '' ? [...watchers.values()] : [watchers.get(payload) ?? new Set()];
    for (const set of woken) {
      for (const onChange of [...set]) {
        try {
          onChange();
        } catch (error) {
          console.error('a bot watcher failed', error);
        }
      }
    }
  };

  return {
    changed: (botId) => db.notify(BOT_SIGNALS_CHANNEL, botId),

    async watch(botId, onChange) {
      listening ??= db.listen(BOT_SIGNALS_CHANNEL, wake);
      try {
        await listening;
      } catch (error) {
        listening = undefined;
        throw error;
      }
      const set = watchers.get(botId) ?? new Set<() => void>();
      watchers.set(botId, set);
      // A function of its own, so that watching twice with one callback gives two independent stops.
      const watcher = () => onChange();
      set.add(watcher);
      return async () => {
        set.delete(watcher);
        if (set.size === 0 && watchers.get(botId) === set) watchers.delete(botId);
      };
    },

    async close() {
      const stop = listening;
      listening = undefined;
      watchers.clear();
      if (stop) await (await stop)();
    },
  };
}
