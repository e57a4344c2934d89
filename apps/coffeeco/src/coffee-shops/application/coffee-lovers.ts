import { found, type Page, type PageRequest, type UnitOfWork } from '@tessera/platform/ddd';
import { coffeeShopsRoles } from '../contract/roles.js';
import { type CoffeeLover, coffeeLoverNotFound, registerCoffeeLover } from '../domain/coffee-lover.js';
import type { CoffeeLoverRegister, IdentityAccounts } from './ports.js';

export interface NewCoffeeLover {
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly username: string;
  readonly password: string;
}

/** Registering coffee lovers, and reading them: the application service of the coffee lover entity. */
export function createCoffeeLovers({
  db,
  coffeeLovers,
  accounts,
  newId,
}: {
  db: Pick<UnitOfWork, 'transaction'>;
  coffeeLovers: CoffeeLoverRegister;
  /** Where a new coffee lover gets the account they log in with; its subject is their id. */
  accounts: IdentityAccounts;
  newId: () => string;
}) {
  return {
    /** Opens their account in the same unit of work: a taken username registers nobody. */
    async register({
      firstName,
      lastName,
      email,
      username,
      password,
    }: NewCoffeeLover): Promise<{ id: string }> {
      const coffeeLover = registerCoffeeLover({
        ID: newId(),
        FirstName: firstName,
        LastName: lastName,
        EmailAddress: email,
      });
      await db.transaction(async () => {
        await coffeeLovers.add(coffeeLover);
        const roles = [coffeeShopsRoles.coffeeLover.name];
        await accounts.register({ subject: coffeeLover.ID, username, password, roles });
      });
      return { id: coffeeLover.ID };
    },

    get: async (id: string): Promise<CoffeeLover> => found(await coffeeLovers.find(id), coffeeLoverNotFound),

    /** Who has this email address (a till finding its customer): kept in lower case, so asked in lower case. */
    findByEmail: (email: string, page: PageRequest): Promise<Page<CoffeeLover>> =>
      coffeeLovers.withEmail(email.trim().toLowerCase(), page),
  };
}

export type CoffeeLovers = ReturnType<typeof createCoffeeLovers>;
