// "There must always be an admin." Changes that can take the admin role away from someone run in
// a transaction that first takes a transaction-scoped advisory lock, so two admins demoting each
// other at the same moment cannot both succeed. The guard decides; the procedure chooses the error.
import type { Prisma } from "@platform/db";

const adminChangesLock = 727_001; // any constant shared by every instance

export type AdminGuarded<T> = { status: "done"; value: T } | { status: "no_such_user" } | { status: "last_admin" };

/**
 * Runs `change` in `tx` for the user unless the user does not exist, or the change would remove the
 * last admin (`keepsAdmin` false for a user who is the only admin); then nothing is changed.
 */
export async function withAdminGuard<T>(
  tx: Prisma.TransactionClient,
  userId: string,
  keepsAdmin: boolean,
  change: (target: { roles: string[] }) => Promise<T>,
): Promise<AdminGuarded<T>> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${adminChangesLock})`;
  const target = await tx.user.findUnique({ where: { id: userId }, select: { roles: true } });
  if (!target) return { status: "no_such_user" };
  if (target.roles.includes("admin") && !keepsAdmin) {
    const otherAdmins = await tx.user.count({ where: { roles: { has: "admin" }, NOT: { id: userId } } });
    if (otherAdmins === 0) return { status: "last_admin" };
  }
  return { status: "done", value: await change(target) };
}
