/**
 * The architecture's rules, checked in CI (`npm run deps`).
 * A domain folder is pure; the platform knows no application; bounded contexts meet only through
 * each other's public contract.
 */
const INFRASTRUCTURE = '^packages/platform/src/(sql|eventstore|http|runtime|observability|testing)/';
const DRIVERS =
  '(^|/)node_modules/(pg|pg-[^/]+|@electric-sql/[^/]+|fastify|@fastify/[^/]+|fastify-[^/]+|pino|pino-[^/]+|nats|@nats-io/[^/]+)/';

module.exports = {
  forbidden: [
    {
      name: 'platform-knows-no-application',
      severity: 'error',
      comment: 'The platform is reusable: it never imports anything from an application.',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'A domain folder does no I/O: no adapters, no application layer, no drivers, no infrastructure.',
      from: { path: '^apps/[^/]+/src/[^/]+/domain/' },
      to: { path: [INFRASTRUCTURE, DRIVERS, '/adapters/', '/application/'] },
    },
    {
      name: 'platform-ddd-is-pure',
      severity: 'error',
      comment: 'The building blocks the domains use must not drag infrastructure into them.',
      from: { path: '^packages/platform/src/ddd/' },
      to: { path: [INFRASTRUCTURE, DRIVERS] },
    },
    {
      name: 'application-uses-ports-not-adapters',
      severity: 'error',
      comment: 'The application layer depends on ports; adapters are wired in the composition root.',
      from: { path: '^apps/[^/]+/src/[^/]+/application/' },
      to: { path: ['/adapters/', DRIVERS] },
    },
    {
      name: 'modules-meet-through-contracts',
      severity: 'error',
      comment: "A bounded context may use another only through that context's public contract folder.",
      from: { path: '^apps/([^/]+)/src/([^/]+)/' },
      to: {
        path: '^apps/$1/src/[^/]+/',
        pathNot: ['^apps/$1/src/$2/', '^apps/$1/src/[^/]+/contract/'],
      },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'tests-stay-out-of-production',
      severity: 'error',
      from: { path: '^(packages|apps)/[^/]+/src/' },
      to: { path: '^(packages|apps)/[^/]+/test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|\\.data)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
