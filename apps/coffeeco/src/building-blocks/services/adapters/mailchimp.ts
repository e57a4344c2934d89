import type { Ctx } from '../../context.js';
import type { EmailSender } from '../email-sender.js';

/** Mandrill's send endpoint (the book's constant carries a stray `\"` at its end: Appendix B, B7). */
export const emailURL = 'https://mandrillapp.com/api/1.0/messages/send';

/** The body Mandrill's `messages/send` takes. */
export interface MailChimpReqBody {
  readonly key: string;
  readonly message: {
    readonly from_email: string;
    readonly subject: string;
    readonly text: string;
    readonly to: ReadonlyArray<{ readonly email: string; readonly type: 'to' }>;
  };
}

/**
 * The book's infrastructure service: `EmailSender` by MailChimp's transactional API (Mandrill). Unlike the
 * book's, it gives up when the caller's context is cancelled (the signal goes with the request) and it takes a
 * non-2xx answer for the failure it is: a rejected key or a provider's outage is not "sent".
 */
export class MailChimp implements EmailSender {
  readonly #apiKey: string;
  readonly #from: string;
  readonly #fetch: typeof fetch;
  readonly #url: string;

  constructor(apiKey: string, from: string, options: { fetch?: typeof fetch; url?: string } = {}) {
    this.#apiKey = apiKey;
    this.#from = from;
    this.#fetch = options.fetch ?? fetch;
    this.#url = options.url ?? emailURL;
  }

  async SendEmail(ctx: Ctx, to: string, title: string, body: string): Promise<void> {
    const reqBody: MailChimpReqBody = {
      key: this.#apiKey,
      message: { from_email: this.#from, subject: title, text: body, to: [{ email: to, type: 'to' }] },
    };
    let payload: string;
    try {
      payload = JSON.stringify(reqBody);
    } catch (cause) {
      throw new Error(`failed to marshall body: ${(cause as Error).message}`, { cause });
    }
    let request: Request;
    try {
      request = new Request(this.#url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: payload,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
    } catch (cause) {
      throw new Error(`failed to create request: ${(cause as Error).message}`, { cause });
    }
    let response: Response;
    try {
      response = await this.#fetch(request);
    } catch (cause) {
      throw new Error(`failed to send email: ${(cause as Error).message}`, { cause });
    }
    // Read the answer either way, so that the connection is free for the next email.
    const answer = await response.text().catch(() => '');
    if (!response.ok) {
      throw new Error(
        `failed to send email: the provider answered ${response.status} ${answer.slice(0, 200)}`,
      );
    }
  }
}

export const NewMailChimp = (
  apiKey: string,
  from: string,
  options?: { fetch?: typeof fetch; url?: string },
): MailChimp => new MailChimp(apiKey, from, options);
