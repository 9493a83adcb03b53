// Idempotent: creates the admin account if no user has its email; an existing account is left as
// it is (its password is not reset).
import { hashPassword } from "@platform/auth";
import type { PrismaClient } from "@platform/db";

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
