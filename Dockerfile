# syntax=docker/dockerfile:1
# One image for every process of every application (MallBots, letters of credit): the monolith, each module on
# its own (MODULES=stores, ...), the gateway, the identity provider and the robot simulator differ only in their
# command and environment. It runs compiled JavaScript
# with plain node: the build stage compiles the platform and the applications (`npm run build`: the platform's
# dist/, then dist/ beside package.json, mirroring apps/), and the image has only the production dependencies
# (no TypeScript, no tsx) and that output.

ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/platform/package.json packages/platform/
COPY apps/mallbots/package.json apps/mallbots/
COPY apps/letters-of-credit/package.json apps/letters-of-credit/
COPY apps/coffeeco/package.json apps/coffeeco/
COPY packages/web/package.json packages/web/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts scripts
COPY packages/platform/tsconfig.build.json packages/platform/
COPY packages/platform/src packages/platform/src
COPY apps/tsconfig.build.json apps/main.ts apps/
COPY apps/mallbots/src apps/mallbots/src
COPY apps/mallbots/tools apps/mallbots/tools
COPY apps/letters-of-credit/src apps/letters-of-credit/src
COPY apps/coffeeco/src apps/coffeeco/src
# The web pages (ADR 0037): built here with Vite and @tessera/web, copied beside the compiled applications.
COPY packages/web packages/web
COPY apps/mallbots/web apps/mallbots/web
RUN npm run build

FROM node:${NODE_VERSION}-slim AS dependencies
WORKDIR /app
# Manifests first: this layer is rebuilt only when the dependencies change, not on every source edit.
COPY package.json package-lock.json ./
COPY packages/platform/package.json packages/platform/
COPY apps/mallbots/package.json apps/mallbots/
COPY apps/letters-of-credit/package.json apps/letters-of-credit/
COPY apps/coffeeco/package.json apps/coffeeco/
COPY packages/web/package.json packages/web/
# Optional too: the platform's optional peer (vitest, for its testing entry) would otherwise bring vitest,
# vite and tsx along.
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force

FROM node:${NODE_VERSION}-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json ./
# node_modules/@tessera/platform links here: its package.json's exports point at dist/.
COPY packages/platform/package.json packages/platform/
COPY --from=build /app/packages/platform/dist packages/platform/dist
COPY apps/mallbots/package.json apps/mallbots/
COPY apps/letters-of-credit/package.json apps/letters-of-credit/
COPY apps/coffeeco/package.json apps/coffeeco/
COPY --from=build /app/dist dist
# Without DATABASE_URL the process keeps PGlite's files in ./.data: the only place it writes besides /tmp.
RUN mkdir .data && chown node:node .data
USER node

# Empty: every module in one process. One module per process: MODULES=stores (comma-separated for several).
ENV MODULES=
EXPOSE 8080 8085
# Ready, not just alive: /readiness answers only while the database does. The gateway and the robot simulator
# run from this image too: compose and Kubernetes give them their own checks.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 8080}/readiness`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1 (no npm or npx in between), so SIGTERM reaches the app, which drains within SHUTDOWN_TIMEOUT.
# The repository's entry (apps/main.ts, compiled); apps/mallbots/test/deployment/image.e2e.test.ts runs this
# very command after `npm run build`.
CMD ["node", "dist/main.js", "start"]
