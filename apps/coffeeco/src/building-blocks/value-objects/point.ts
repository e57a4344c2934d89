/**
 * The book's `Point`: a place on a map, nothing more than its two coordinates. Equal coordinates, the same
 * point (`equals`, since TypeScript compares objects by reference); immutable, so moving answers a new point.
 */
export class Point {
  readonly #x: number;
  readonly #y: number;

  constructor(x: number, y: number) {
    if (!Number.isSafeInteger(x) || !Number.isSafeInteger(y)) {
      throw new RangeError(`a point's coordinates are whole numbers, not (${x}, ${y})`);
    }
    this.#x = x;
    this.#y = y;
    Object.freeze(this);
  }

  X(): number {
    return this.#x;
  }

  Y(): number {
    return this.#y;
  }

  equals(other: Point): boolean {
    return this.#x === other.#x && this.#y === other.#y;
  }

  toString(): string {
    return `(${this.#x}, ${this.#y})`;
  }
}

export const NewPoint = (x: number, y: number): Point => new Point(x, y);

export const DirectionUnknown = 0;
export const DirectionNorth = 1;
export const DirectionSouth = 2;
export const DirectionEast = 3;
export const DirectionWest = 4;

/**
 * One step from `currLocation`. West is `(x-1, y)`: the book's code answers `(x-1, x)` (Appendix B, B2). An
 * unknown direction leaves the player where they are (the book's "do a barrel roll").
 */
export function Move(currLocation: Point, direction: number): Point {
  const x = currLocation.X();
  const y = currLocation.Y();
  switch (direction) {
    case DirectionNorth:
      return NewPoint(x, y + 1);
    case DirectionSouth:
      return NewPoint(x, y - 1);
    case DirectionEast:
      return NewPoint(x + 1, y);
    case DirectionWest:
      return NewPoint(x - 1, y);
    default:
      return currLocation;
  }
}

/** The book's `TrackPlayer`: a player's location is replaced by a new point at each move, never changed. */
export function TrackPlayer(moves: readonly number[], start: Point = NewPoint(0, 0)): Point {
  let currLocation = start;
  for (const direction of moves) currLocation = Move(currLocation, direction);
  return currLocation;
}
