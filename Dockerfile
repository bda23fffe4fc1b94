# syntax=docker/dockerfile:1
#
# Gatehouse production image: one image for every service, the command picks which one
# (docker-compose.yml does):
#
#   node node_modules/@gatehouse/authorize/dist/server.js    browser pages, /api/oauth2/authorize
#   node node_modules/@gatehouse/token/dist/server.js        /api/oauth2/token, /revoke, /introspect
#   node node_modules/@gatehouse/resource/dist/server.js     userinfo, topup link, developer and admin APIs
#   node node_modules/@gatehouse/db/dist/migrate-cli.js      apply database migrations, then exit
#   node dist/server.js                                      (default) all three in one process
#
# Build: docker build -t gatehouse .            demo app: docker build --target demo-app -t gatehouse-demo .

ARG NODE_IMAGE=node:20-bookworm-slim
ARG PNPM_VERSION=10.34.8

# ---- build: install the workspace, compile, and `pnpm deploy` self-contained bundles ----
FROM ${NODE_IMAGE} AS build
ARG PNPM_VERSION
ENV CI=true TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 PNPM_STORE_DIR=/pnpm-store
# Build tools only matter when a native module (argon2) has no prebuilt binary for the platform.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/* \
  && npm install -g pnpm@${PNPM_VERSION}
WORKDIR /repo
COPY . .
RUN --mount=type=cache,id=gatehouse-pnpm-store,target=/pnpm-store \
  pnpm config set store-dir /pnpm-store \
  && pnpm install --frozen-lockfile \
  && pnpm exec turbo run build --filter=@gatehouse/stack... --filter=@gatehouse/demo-app... \
  && pnpm --filter=@gatehouse/stack deploy --legacy --prod /out/gatehouse \
  && pnpm --filter=@gatehouse/demo-app deploy --legacy --prod /out/demo-app

# ---- demo-app: the example third-party app (docker compose --profile demo) ----
FROM ${NODE_IMAGE} AS demo-app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3001
WORKDIR /app
COPY --from=build /out/demo-app /app
USER node
EXPOSE 3001
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3001)+'/').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/server.js"]

# ---- gatehouse (default target): compiled code and production dependencies only ----
FROM ${NODE_IMAGE} AS gatehouse
ENV NODE_ENV=production GATEHOUSE_ENV=production HOST=0.0.0.0 PORT=3000
# SERVICE_RUNTIME_ENV (packages/service-kit/src/runtime.ts says why; a test keeps the two in step).
ENV MALLOC_ARENA_MAX=2 NODE_OPTIONS=--max-semi-space-size=4
WORKDIR /app
# Owned by root and read-only to the service user: the process cannot rewrite its own code.
COPY --from=build /out/gatehouse /app
USER node
EXPOSE 3000
# Ready = database and cache reachable and not draining (GET /readyz); compose waits on it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/server.js"]
