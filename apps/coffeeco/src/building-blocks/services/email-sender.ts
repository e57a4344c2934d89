import type { Ctx } from '../context.js';

/**
 * The book's infrastructure service, as a port (SVC-T3): sending an email is not our domain, but our
 * application needs it. The application and domain see only this; `adapters/mailchimp.ts` is one way to do it.
 */
export interface EmailSender {
  /** Resolves once the provider accepted the email; throws otherwise. */
  SendEmail(ctx: Ctx, to: string, title: string, body: string): Promise<void>;
}
