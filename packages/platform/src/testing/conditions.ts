/**
 * Conditions a test waits on, checked again whenever what they read changes: handlers and reports signal,
 * tests never sleep.
 */
export function conditions() {
  const waiting: Array<{ check: () => boolean; resolve: () => void }> = [];
  return {
    /** Resolves once `check` holds: at once if it holds now, else at the `settle` after which it does. */
    until(check: () => boolean): Promise<void> {
      if (check()) return Promise.resolve();
      return new Promise((resolve) => waiting.push({ check, resolve }));
    },
    /** Checks the conditions waited on again, after something they read changed. */
    settle() {
      for (let i = waiting.length - 1; i >= 0; i--) {
        if (waiting[i]!.check()) waiting.splice(i, 1)[0]!.resolve();
      }
    },
  };
}

/** A list that tests wait on until a condition of its items holds. */
export function signals<T>() {
  const items: T[] = [];
  const { until, settle } = conditions();
  return {
    items,
    push(item: T) {
      items.push(item);
      settle();
    },
    until: (check: (items: T[]) => boolean) => until(() => check(items)),
  };
}
