// Idempotent: creates the admin account if no user has its email; an existing account is left as
// it is (its password is not reset).
import { hashPassword } from "@platform/auth";
import type { PrismaClient } from "@platform/db";

import type { Config } from "./config.js";

/**
 * Why the admin cannot be seeded with this configuration, or undefined: in production, only with
 * a password of the operator's (the default one is in this repository for anyone to read).
 */
export function adminSeedProblem(config: Pick<Config, "env" | "admin">): string | undefined {
  if (config.env === "production" && config.admin.isDefaultPassword) {
    return "ADMIN_PASSWORD is not set: in production the admin is created only with a password of your own (8 to 128 characters).";
  }
  return undefined;
}

export async function seedAdmin(prisma: PrismaClient, admin: { email: string; password: string }) {
  const existing = await prisma.user.findUnique({ where: { email: admin.email }, select: { id: true } });
  if (existing) return { created: false, id: existing.id };
  const passwordHash = await hashPassword(admin.password);
  const user = await prisma.user.upsert({
    where: { email: admin.email },
    create: { email: admin.email, name: "Administrator", passwordHash, roles: ["admin", "user"] },
    update: {},
    select: { id: true },
  });
  return { created: true, id: user.id };
}
