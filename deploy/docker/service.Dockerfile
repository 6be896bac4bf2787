# syntax=docker/dockerfile:1
#
# The image of one service. Build it from the repository root, where the single lockfile is:
#
#   docker build -f services/<name>/Dockerfile -t parcel-tracking/<name>:dev .
#
# Every services/<name>/Dockerfile is this template with the service's name and port filled in.
# Edit the template, then rewrite the copies with
#   node -r @swc-node/register deploy/docker/dockerfiles.ts
# (deploy/test/compose.spec.ts fails while a copy differs from the template).

ARG NODE_IMAGE=node:24-bookworm-slim
ARG SERVICE
ARG PORT

# ---- build: all dependencies, compile with SWC, then drop the dev dependencies ----------------
FROM ${NODE_IMAGE} AS build
ARG SERVICE
WORKDIR /app
ENV CI=true \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false \
    NPM_CONFIG_UPDATE_NOTIFIER=false

# Install scripts stay off: only dev tools have them (the `node` binary package, nx, buf, and
# @swc/core, whose native binding arrives as an optional dependency anyway), and none runs here.
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --ignore-scripts

COPY .swcrc tsconfig.base.json ./
COPY libs ./libs
COPY scripts ./scripts
COPY services/${SERVICE} ./services/${SERVICE}

# SWC rewrites the @tracking/* aliases into relative paths, so dist/ keeps the source layout:
# dist/services/<name>/src/main.js requires dist/libs/... . Scripts are built too, for one-off
# commands run from the same image (e.g. migrations as a Kubernetes Job).
RUN set -eu; \
    if [ -z "${SERVICE}" ]; then echo 'build with --build-arg SERVICE=<name>' >&2; exit 1; fi; \
    if [ ! -f "services/${SERVICE}/src/main.ts" ]; then echo "no services/${SERVICE}/src/main.ts" >&2; exit 1; fi; \
    node node_modules/@swc/cli/bin/swc.js libs scripts "services/${SERVICE}/src" -d dist \
      --ignore '**/*.spec.ts,**/*.e2e-spec.ts'; \
    test -f "dist/services/${SERVICE}/src/main.js"; \
    npm prune --omit=dev --ignore-scripts

# ---- runtime: production dependencies and compiled code, owned by root, run as `node` ---------
FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ARG PORT
LABEL org.opencontainers.image.title="${SERVICE}" \
      org.opencontainers.image.description="parcel-tracking ${SERVICE} service"
ENV NODE_ENV=production \
    SERVICE=${SERVICE} \
    PORT=${PORT}
WORKDIR /app

# Root owns the code and the dependencies; the service user can read but not rewrite them.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist

# The base image's unprivileged `node` user, by number so Kubernetes' runAsNonRoot can check it.
USER 1000:1000
EXPOSE ${PORT}

# Liveness only: readiness (database and Kafka reachable) is for orchestrators to gate traffic on.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health/live', { signal: AbortSignal.timeout(2500) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# exec: node replaces the shell as PID 1 and receives SIGTERM itself, so a stopping container
# finishes the batch in hand (SHUTDOWN_TIMEOUT_MS) instead of being killed mid-batch.
STOPSIGNAL SIGTERM
CMD ["/bin/sh", "-c", "exec node --enable-source-maps \"dist/services/${SERVICE}/src/main.js\""]
