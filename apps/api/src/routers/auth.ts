import { verifyAgainstDummyHash, verifyPassword } from "@platform/auth";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { emailSchema, passwordSchema } from "../input-schemas.js";
import { revokeSession, startSession } from "../sessions.js";
import { authedProcedure, publicProcedure, router } from "../trpc.js";
import { publicUserSelect } from "../user-select.js";

/** The one answer to every failed sign-in, whatever was wrong. */
const invalidCredentials = () => new TRPCError({ code: "UNAUTHORIZED", message: "invalid credentials" });

export const authRouter = router({
  signIn: publicProcedure
    .input(z.strictObject({ email: emailSchema, password: passwordSchema }))
    .mutation(async ({ ctx: { deps }, input }) => {
      const account = await deps.prisma.user.findUnique({
        where: { email: input.email },
        select: { ...publicUserSelect, passwordHash: true },
      });
      // an unknown email costs the same argon2 verification as a wrong password
      const isValid = account
        ? await verifyPassword(account.passwordHash, input.password)
        : await verifyAgainstDummyHash(input.password);
      if (!account || !isValid) throw invalidCredentials();

      const { passwordHash: _, ...user } = account;
      const { token } = await startSession(deps, user);
      return { token, user };
    }),

  signOut: authedProcedure.mutation(async ({ ctx: { deps, caller } }) => {
    await revokeSession(deps, caller.userId, caller.sessionId);
    return { success: true as const };
  }),

  me: authedProcedure.query(async ({ ctx: { deps, caller } }) => {
    const user = await deps.prisma.user.findUnique({ where: { id: caller.userId }, select: publicUserSelect });
    // the session outlived its user (deleted in between): treat as signed out
    if (!user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Not signed in, or the session has ended" });
    return user;
  }),
});
