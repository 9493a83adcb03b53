// "There must always be an admin." Changes that can take the admin role away from someone run in
// a transaction that first takes a transaction-scoped advisory lock, so two admins demoting each
// other at the same moment cannot both succeed.
import type { Prisma } from "@platform/db";
import { TRPCError } from "@trpc/server";

import type { ApiDeps } from "./deps.js";

const adminChangesLock = 727_001; // any constant shared by every instance

export async function withAdminGuard<T>(
  deps: ApiDeps,
  userId: string,
  keepsAdmin: boolean,
  change: (tx: Prisma.TransactionClient, target: { roles: string[] }) => Promise<T>,
): Promise<T> {
  return deps.prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${adminChangesLock})`;
    const target = await tx.user.findUnique({ where: { id: userId }, select: { roles: true } });
    if (!target) throw new TRPCError({ code: "NOT_FOUND", message: `No user with id '${userId}'` });
    if (target.roles.includes("admin") && !keepsAdmin) {
      const otherAdmins = await tx.user.count({ where: { roles: { has: "admin" }, NOT: { id: userId } } });
      if (otherAdmins === 0) {
        throw new TRPCError({
          code: "CONFLICT",
          message: "This is the last admin: there must always be at least one admin",
        });
      }
    }
    return change(tx, target);
  });
}
