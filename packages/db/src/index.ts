export { createPrismaClient, type PrismaClient, type PrismaClientOptions } from "./client.js";
export { applyMigrations } from "./migrate.js";
export { Prisma } from "./generated/prisma/client.js";
export type { User, Session } from "./generated/prisma/client.js";
