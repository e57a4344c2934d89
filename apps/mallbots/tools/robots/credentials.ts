import { clientCredentialToken, remoteClients, TOKEN_PATH } from '@tessera/platform/identity';
import { depotRoles } from '../../src/depot/contract/roles.js';
import type { BotCredentials, FleetBot } from './fleet.js';

/** The built-in identity provider, and a token of whoever may make robots' credentials there. */
export interface CredentialIssuer {
  /** Where the provider answers (its clients' routes and token endpoint; the gateway passes them through). */
  readonly url: string;
  /** An operator's token, or the system's service token (a companion's). */
  readonly token: () => Promise<string>;
  readonly fetch?: typeof fetch;
}

/** How many bots' credentials are asked for at once. */
const AT_ONCE = 8;

/**
 * A client credential of each bot's own at the built-in identity provider (its client id is the bot's id, its
 * role `robot`), made there, or given a new secret when the bot has one from an earlier run; then each bot gets
 * its access tokens with it (client_credentials), so that the depot sees it as itself and only itself. The
 * secrets stay in this process's memory. A client of a bot's id with other roles is an error: not this fleet's.
 */
export async function robotCredentials(
  issuer: CredentialIssuer,
  bots: readonly FleetBot[],
): Promise<BotCredentials> {
  const base = issuer.url.replace(/\/+$/, '');
  const clients = remoteClients({
    identityUrl: base,
    token: issuer.token,
    ...(issuer.fetch && { fetch: issuer.fetch }),
  });
  const tokens = new Map<string, () => Promise<string>>();
  for (let start = 0; start < bots.length; start += AT_ONCE) {
    await Promise.all(
      bots.slice(start, start + AT_ONCE).map(async (bot) => {
        const { clientId, clientSecret } = await clients.credential(bot.id, [depotRoles.robot.name]);
        tokens.set(
          bot.id,
          clientCredentialToken({
            tokenUrl: `${base}${TOKEN_PATH}`,
            clientId,
            clientSecret,
            ...(issuer.fetch && { fetch: issuer.fetch }),
          }),
        );
      }),
    );
  }
  return (bot) => {
    const token = tokens.get(bot.id);
    if (!token) throw new Error(`no credential for the bot ${bot.name} (${bot.id})`);
    return token;
  };
}
