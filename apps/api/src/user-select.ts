import type { Prisma } from "@platform/db";

/** The fields of a user that may leave the data layer. The password hash is never among them. */
export const publicUserSelect = {
  id: true,
  email: true,
  name: true,
  roles: true,
  createdAt: true,
} as const satisfies Prisma.UserSelect;

export type PublicUser = Prisma.UserGetPayload<{ select: typeof publicUserSelect }>;
