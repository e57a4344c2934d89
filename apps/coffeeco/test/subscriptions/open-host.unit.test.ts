import { describe, expect, it } from 'vitest';
import { isUserSubscriptionActiveRoute } from '../../src/subscriptions/adapters/http/open-host.js';
import { background } from '../../src/subscriptions/application/ctx.js';
import type { UserHandler } from '../../src/subscriptions/application/user-handler.js';

/** A UserHandler that answers from a list, as the book's test double does. */
const handlerOf = (active: string[]): UserHandler & { asked: string[] } => {
  const asked: string[] = [];
  return {
    asked,
    async IsUserSubscriptionActive(_ctx, userID) {
      asked.push(userID);
      return active.includes(userID);
    },
  };
};

// The route function called directly, as the book's handler is (spec §A.3): no server, no router.
describe('the open host’s route function, GET /user/{userID}/payment/active (OHS-1)', () => {
  it('answers 200 {"IsActive":true} when the handler says u1’s subscription is active, false otherwise', async () => {
    const route = isUserSubscriptionActiveRoute(handlerOf(['u1']));
    expect(await route(background(), 'u1')).toEqual({
      status: 200,
      contentType: 'application/json',
      body: '{"IsActive":true}',
    });
    expect((await route(background(), 'u2')).body).toBe('{"IsActive":false}');
  });

  it('answers 400 for an empty user ID, naming it, without asking the handler', async () => {
    const handler = handlerOf(['']);
    for (const userID of ['', '  ']) {
      const answer = await isUserSubscriptionActiveRoute(handler)(background(), userID);
      expect(answer.status).toBe(400);
      expect(answer.contentType).toBe('application/problem+json');
      expect(JSON.parse(answer.body)).toMatchObject({
        status: 400,
        code: 'user_id_required',
        errors: [{ field: 'params.userID' }],
      });
    }
    expect(handler.asked).toEqual([]);
  });

  it('answers 500 when the answer cannot be serialised, keeping why for the log', async () => {
    const broken = new Error('cannot marshal');
    const route = isUserSubscriptionActiveRoute(handlerOf(['u1']), () => {
      throw broken;
    });
    const answer = await route(background(), 'u1');
    expect(answer.status).toBe(500);
    expect(answer.contentType).toBe('application/problem+json');
    expect(JSON.parse(answer.body)).toMatchObject({
      status: 500,
      detail: 'the answer could not be serialised',
    });
    expect(answer.body).not.toContain('cannot marshal');
    expect(answer.cause).toBe(broken);
  });
});
