# syntax=docker/dockerfile:1
# One image for every MallBots process: the monolith, each module on its own (MODULES=stores, ...), the
# gateway and the robot simulator differ only in their command and environment. The app runs its TypeScript
# with tsx (a runtime dependency), so there is no build step: production dependencies plus the sources.

ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-slim AS dependencies
WORKDIR /app
# Manifests first: this layer is rebuilt only when the dependencies change, not on every source edit.
COPY package.json package-lock.json ./
COPY packages/platform/package.json packages/platform/
COPY apps/mallbots/package.json apps/mallbots/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:${NODE_VERSION}-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY packages/platform/package.json packages/platform/
COPY packages/platform/src packages/platform/src
COPY apps/mallbots/package.json apps/mallbots/
COPY apps/mallbots/src apps/mallbots/src
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
CMD ["node", "--import", "tsx", "apps/mallbots/src/main.ts"]
