import { PrismaPg } from "@prisma/adapter-pg";

import { PrismaClient } from "./generated/prisma/client.js";

export interface PrismaClientOptions {
  url: string;
  /** Pool size. The embedded database must use 1 (PGlite serves one connection correctly). */
  poolMax?: number;
}

/** Prisma through the pg driver adapter: the same path for a real server and the embedded one. */
export function createPrismaClient({ url, poolMax = 10 }: PrismaClientOptions): PrismaClient {
  const schema = new URL(url).searchParams.get("schema") ?? undefined;
  const adapter = new PrismaPg({ connectionString: url, max: poolMax }, schema ? { schema } : undefined);
  return new PrismaClient({ adapter });
}

export type { PrismaClient };
