/** A person's account, opened by the module that knows them (Customers for customers). */
export interface NewAccount {
  /** The application's id for them: the `sub` of their tokens. */
  readonly subject: string;
  readonly username: string;
  readonly password: string;
  readonly roles: readonly string[];
}

/**
 * What a module asks of the identity provider: to open an account. A taken username is an `already_exists`
 * DomainError (`username_taken`); a bad username or password an `invalid_argument` naming the field.
 */
export interface IdentityAccounts {
  register(account: NewAccount): Promise<void>;
}
