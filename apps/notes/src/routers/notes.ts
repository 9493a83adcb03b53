// Notes: a signed-in user writes notes and reads their own; an admin reads everyone's. Who the
// caller is comes only from the verified session (ctx.principal), never from the input, and every
// read names its fields (noteSelect).
import { textInput } from "@platform/api/server-kit";
import { z } from "zod";

import type { Prisma } from "../generated/prisma/client.js";
import { adminProcedure, authedProcedure, router } from "../trpc.js";

export const maxNoteLength = 10_000;

const noteSelect = { id: true, userId: true, text: true, createdAt: true } satisfies Prisma.NoteSelect;
/** Newest first; the id breaks ties between notes of the same millisecond, so the order is stable. */
const newestFirst = [{ createdAt: "desc" }, { id: "desc" }] satisfies Prisma.NoteOrderByWithRelationInput[];

export const noteInput = z.object({
  text: textInput("Text")
    .trim()
    .min(1, "Text is required")
    .max(maxNoteLength, `Text must be at most ${maxNoteLength} characters`),
});

export const notesRouter = router({
  create: authedProcedure
    .input(noteInput)
    .mutation(({ ctx, input }) =>
      ctx.deps.prisma.note.create({ data: { userId: ctx.principal.userId, text: input.text }, select: noteSelect }),
    ),

  list: authedProcedure.query(({ ctx }) =>
    ctx.deps.prisma.note.findMany({
      where: { userId: ctx.principal.userId },
      select: noteSelect,
      orderBy: newestFirst,
    }),
  ),

  listAll: adminProcedure.query(({ ctx }) =>
    ctx.deps.prisma.note.findMany({ select: noteSelect, orderBy: newestFirst }),
  ),
});
