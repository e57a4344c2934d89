// The executable specifications of CoffeeCo (features/*.feature), as MallBots' are: `npm run features`
// runs them on the embedded default (PGlite, embedded broker), `npm run features:nats` on PostgreSQL and NATS
// JetStream, `npm run features:distributed` against one process per module behind the gateway.
const common = {
  paths: ['apps/coffeeco/features/**/*.feature'],
  import: [
    'apps/coffeeco/features/support/typescript.mjs',
    'apps/coffeeco/features/support/**/*.ts',
    'apps/coffeeco/features/step_definitions/**/*.ts',
  ],
  format: ['progress'],
  strict: true,
};

export default { ...common, worldParameters: { profile: 'embedded' } };

export const nats = { ...common, worldParameters: { profile: 'nats' } };

export const distributed = { ...common, worldParameters: { profile: 'distributed' } };
