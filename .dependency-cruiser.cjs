/**
 * The architecture's rules, checked in CI (`npm run deps`; `npm run check` runs it).
 * A domain folder (and an application's building blocks) is pure; the platform knows no application; bounded contexts meet only through
 * each other's public contract; applications stand alone on the platform's public parts.
 *
 * The purity rules are allowlists: a domain folder (and the platform's `ddd`) may import what is listed and
 * nothing else, so a new driver, a node built-in (`node:fs`: a core module, which no allowlist names) or
 * another platform part fails the check without anyone having to think of denying it first.
 * `packages/platform/test/dependency-rules.test.ts` proves these rules on a fixture tree.
 */
const DRIVERS =
  '(^|/)node_modules/(pg|pg-[^/]+|@electric-sql/[^/]+|fastify|@fastify/[^/]+|fastify-[^/]+|pino|pino-[^/]+|nats|@nats-io/[^/]+)/';
/** The only package a domain folder or `ddd` may use besides the building blocks: schemas are vocabulary. */
const ZOD = '(^|/)node_modules/zod/';
/** `@tessera/platform/ddd`, as it resolves. */
const PLATFORM_DDD = '^packages/platform/src/ddd/';
/**
 * Anti-corruption layers, as [application, downstream context, upstream context]: the downstream reads the
 * upstream's model only in its `adapters/acl/` folder, which translates it into the downstream's own words.
 */
const ANTI_CORRUPTION_LAYERS = [['coffeeco', 'subscriptions', 'marketing']];

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
        'A domain folder does no I/O. It imports only @tessera/platform/ddd, zod and its own domain folder: ' +
        'no node built-in, no driver, no other platform part, no other layer or bounded context.',
      from: { path: '^apps/([^/]+)/src/([^/]+)/domain/' },
      to: { pathNot: [PLATFORM_DDD, ZOD, '^apps/$1/src/$2/domain/'] },
    },
    {
      name: 'building-blocks-are-pure',
      severity: 'error',
      comment:
        "An application's building-blocks folder (the book's teaching examples) is pure outside its adapters/ " +
        'folders, as a domain folder is: @tessera/platform/ddd, zod and its own pure parts, no I/O.',
      from: { path: '^apps/([^/]+)/src/building-blocks/', pathNot: '/adapters/' },
      to: { pathNot: [PLATFORM_DDD, ZOD, '^apps/$1/src/building-blocks/'] },
    },
    {
      name: 'building-blocks-use-ports-not-adapters',
      severity: 'error',
      comment:
        'The pure parts of the building blocks depend on ports; their adapters depend on them, not the reverse.',
      from: { path: '^apps/[^/]+/src/building-blocks/', pathNot: '/adapters/' },
      to: { path: '/adapters/' },
    },
    {
      name: 'platform-ddd-is-pure',
      severity: 'error',
      comment:
        'The building blocks the domains use must not drag anything into them: ddd imports only itself and zod.',
      from: { path: PLATFORM_DDD },
      to: { pathNot: [PLATFORM_DDD, ZOD] },
    },
    {
      name: 'application-uses-ports-not-adapters',
      severity: 'error',
      comment: 'The application layer depends on ports; adapters are wired in the composition root.',
      from: { path: '^apps/[^/]+/src/[^/]+/application/' },
      to: { path: ['/adapters/', DRIVERS] },
    },
    {
      name: 'published-language-stays-at-the-edge',
      severity: 'error',
      comment:
        'Code generated from a published language (protobuf in contract/gen/, OpenAPI in contract/*.gen.ts) is ' +
        'mapped by adapters: a domain or application layer never imports it, so the transport never shapes the model.',
      from: { path: '^apps/[^/]+/src/[^/]+/(domain|application)/' },
      to: { path: '^apps/[^/]+/src/[^/]+/contract/(gen/|[^/]+[.]gen[.]ts$)' },
    },
    ...ANTI_CORRUPTION_LAYERS.map(([application, downstream, upstream]) => ({
      name: `${downstream}-reads-${upstream}-through-its-acl`,
      severity: 'error',
      comment:
        `Only ${downstream}'s anti-corruption layer (adapters/acl/) knows ${upstream}'s model and translates it: ` +
        `no other file of ${downstream}, its domain least of all, imports anything of ${upstream}.`,
      from: {
        path: `^apps/${application}/src/${downstream}/`,
        pathNot: `^apps/${application}/src/${downstream}/adapters/acl/`,
      },
      to: { path: `^apps/${application}/src/${upstream}/` },
    })),
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
      name: 'applications-stand-alone',
      severity: 'error',
      comment: 'An application never imports another application: what they share belongs in the platform.',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'applications-use-platform-exports',
      severity: 'error',
      comment:
        'An application imports the platform only as a package (@tessera/platform/<part>), through its exports, never by a relative path into packages/.',
      from: { path: '^apps/' },
      to: { path: '^packages/', dependencyTypesNot: ['aliased-workspace'] },
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
    // Not node_modules: excluded, the dependencies on packages would vanish and no rule could see a driver.
    // dist/ is the platform's published build (packages/platform/tsconfig.build.json): the rules are on src/.
    exclude: { path: '(^|/)(\\.data|dist)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      // `@tessera/source` first: in the repository a platform part is its TypeScript source, not dist/ (.npmrc).
      conditionNames: ['@tessera/source', 'import', 'require', 'node', 'default', 'types'],
    },
  },
};
