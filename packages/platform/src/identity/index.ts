export type { IdentityAccounts, NewAccount } from './accounts.js';
export type { Access, Audience, Role } from './audience.js';
export { admits, anyone, defineRoles, only, operators, serviceRole } from './audience.js';
export { CSRF_COOKIE, CSRF_HEADER, installAuthentication, SESSION_COOKIE } from './authentication.js';
export type { Principal } from './principal.js';
export { isOperator, OPERATOR_ROLE, SERVICE_ROLE } from './principal.js';
export type { IdentityProvider, TokenSubject, Tokens } from './provider/provider.js';
export { openIdentityProvider } from './provider/provider.js';
export { IDENTITY_TAG, REVOKE_PATH, registerIdentityRoutes, TOKEN_PATH } from './provider/routes.js';
export { identityMigrations } from './provider/store.js';
export type { ClientCredential, IssuedToken, TokenUrl } from './remote.js';
export {
  clientCredentialToken,
  discoveredTokenUrl,
  passwordToken,
  remoteAccounts,
  remoteClients,
  renewedToken,
} from './remote.js';
export type { TokenVerifier } from './verifier.js';
export { ACCEPTED_ALGORITHMS, createTokenVerifier, InvalidTokenError } from './verifier.js';
