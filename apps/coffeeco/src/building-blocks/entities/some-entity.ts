/**
 * The book's `SomeEntity`: an entity whose identity the system makes, a random UUID, rather than borrowing a
 * natural attribute that may change (an email address is an attribute, not an identity: ENT-2, ENT-3).
 */
export class SomeEntity {
  readonly #id: string;

  constructor(id: string) {
    this.#id = id;
  }

  ID(): string {
    return this.#id;
  }

  /** Two entities are the same when their identities are, whatever else they hold. */
  equals(other: SomeEntity): boolean {
    return this.#id === other.#id;
  }
}

export const NewSomeEntity = (): SomeEntity => new SomeEntity(crypto.randomUUID());
