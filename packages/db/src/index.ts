export {
  createPgAdapter,
  createPrismaClient,
  type DatabaseTimeouts,
  type PrismaClient,
  type PrismaClientOptions,
  serverDatabaseTimeouts,
} from "./client.js";
export {
  dataDirContents,
  embeddedDatabaseHolder,
  type EmbeddedPostgres,
  EmbeddedPostgresError,
  type EmbeddedPostgresOptions,
  startEmbeddedPostgres,
} from "./embedded-postgres.js";
export type { Session, User } from "./generated/prisma/client.js";
export { Prisma } from "./generated/prisma/client.js";
export { applyMigrations, type MigrationSource } from "./migrate.js";
export { repoRoot } from "./paths.js";
export { createDatabase, databaseNameOf, dropDatabase } from "./server-database.js";
