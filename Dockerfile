# One image for every app of the platform (the identity, notes), built from this repository as CI
# builds it; docker-compose.yml's `platform` profile runs it (see README.md, "The whole platform in
# docker compose"). Each service chooses its app by its working directory and command.
FROM node:20-slim

# pnpm from the npm registry, at the packageManager version: `corepack enable` fails its signature
# check on Node 20's corepack (TOOLCHAIN.md), and switching that check off is no fix.
RUN npm install --global pnpm@10.34.9 && npm cache clean --force
ENV TURBO_TELEMETRY_DISABLED=1

WORKDIR /app
# the dependencies first, from the lockfile alone: this layer is rebuilt only when the lockfile changes
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
# postinstall generates the Prisma clients (no engine download: prisma.config.ts points the CLI at
# the project's own schema engine); build compiles every package to dist/
RUN pnpm install --frozen-lockfile --offline && pnpm build

# nothing at run time writes to /app: the apps run as an unprivileged user
USER node
