export { createPrismaClient, type PrismaClient, type PrismaClientOptions } from "./client.js";
export {
  EmbeddedPostgresError,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
  type EmbeddedPostgresOptions,
} from "./embedded-postgres.js";
export { applyMigrations } from "./migrate.js";
export { repoRoot } from "./paths.js";
export { Prisma } from "./generated/prisma/client.js";
export type { Session, User } from "./generated/prisma/client.js";
