import { nonBlank, notFound } from '@tessera/platform/ddd';

/**
 * A coffee lover, by the book's names: an entity. Their id is who they are, for good (it is also the subject of
 * their login); their name and email address are attributes that may change (ENT-2: an email is no identity).
 */
export interface CoffeeLover {
  readonly ID: string;
  readonly FirstName: string;
  readonly LastName: string;
  readonly EmailAddress: string;
}

/** A new coffee lover: named, with an address to write to (its shape is checked where it arrives). */
export function registerCoffeeLover(input: CoffeeLover): CoffeeLover {
  return {
    ID: input.ID,
    FirstName: nonBlank(input.FirstName, 'first_name_blank', 'the first name cannot be blank', 'firstName'),
    LastName: nonBlank(input.LastName, 'last_name_blank', 'the last name cannot be blank', 'lastName'),
    EmailAddress: input.EmailAddress.trim().toLowerCase(),
  };
}

export const coffeeLoverNotFound = () => notFound('coffee_lover_not_found', 'no coffee lover with that id');
