/** Time that moves only when a test says: replica lag and last-write-wins need it, and no test sleeps. */
export class ManualClock {
  #now: number;

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    if (ms < 0) throw new RangeError('time does not go back');
    this.#now += ms;
  }
}
