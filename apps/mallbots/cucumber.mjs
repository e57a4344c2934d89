// The executable specifications (features/**): `npm run features` runs them against MallBots on the embedded
// default (PGlite, embedded broker); `npm run features:nats` on PostgreSQL and NATS JetStream;
// `npm run features:distributed` against one process per module behind the gateway.
const common = {
  paths: ['apps/mallbots/features/**/*.feature'],
  import: [
    'apps/mallbots/features/support/typescript.mjs',
    'apps/mallbots/features/support/**/*.ts',
    'apps/mallbots/features/step_definitions/**/*.ts',
  ],
  format: ['progress'],
  strict: true,
};

export default { ...common, worldParameters: { profile: 'embedded' } };

export const nats = { ...common, worldParameters: { profile: 'nats' } };

// One process per module behind the gateway (npm run start:distributed), on PostgreSQL and NATS JetStream.
export const distributed = { ...common, worldParameters: { profile: 'distributed' } };
