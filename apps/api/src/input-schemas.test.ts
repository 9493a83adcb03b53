// Every string input of every procedure, found by walking the router's input schemas (so a new
// procedure or field is covered without editing this file), refuses a NUL character at validation.
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import type { z } from "zod";

import { appRouter } from "./router.js";
import { useTestHarness } from "./test-support/hooks.js";

const h = useTestHarness();

type Path = (string | number)[];

/** The paths of the string leaves of a zod schema (`[]` when the input itself is a string). */
function stringPaths(schema: z.core.$ZodType, path: Path = []): Path[] {
  const def = schema._zod.def as z.core.$ZodTypeDef & Record<string, unknown>;
  const inner = (key: string) => def[key] as z.core.$ZodType;
  switch (def.type) {
    case "string":
      return [path];
    case "object":
      return Object.entries(def.shape as Record<string, z.core.$ZodType>).flatMap(([key, field]) =>
        stringPaths(field, [...path, key]),
      );
    case "array":
      return stringPaths(inner("element"), [...path, 0]);
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
      return stringPaths(inner("innerType"), path);
    case "pipe":
      return stringPaths(inner("in"), path);
    default: // enums, numbers, dates, transforms' outputs: no free text
      return [];
  }
}

/** A value with `leaf` at `path` (arrays of one element), nothing else. */
function inputWith(path: Path, leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const [head, ...rest] = path;
  return typeof head === "number" ? [inputWith(rest, leaf)] : { [head as string]: inputWith(rest, leaf) };
}

const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { inputs: z.ZodType[] } }>,
);
const stringInputs = procedures.flatMap(([name, procedure]) =>
  procedure._def.inputs.flatMap((schema) => stringPaths(schema).map((path) => ({ name, path }))),
);

/** Calls a procedure by its dotted name. */
function call(caller: ReturnType<typeof h.caller>, name: string, input: unknown): Promise<unknown> {
  const procedure = name.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], caller);
  return (procedure as (input: unknown) => Promise<unknown>)(input);
}

describe("NUL characters in string inputs", () => {
  it("the walk finds the string inputs we know of (so it is really walking)", () => {
    const found = stringInputs.map(({ name, path }) => [name, ...path].join("."));
    expect(found).toEqual(
      expect.arrayContaining([
        "auth.signUp.email",
        "auth.signUp.name",
        "auth.signUp.password",
        "auth.signIn.password",
        "auth.refresh.refreshToken",
        "auth.changePassword.currentPassword",
        "auth.changePassword.newPassword",
        "auth.sessions.revoke.id",
        "users.findById",
        "users.list.cursor",
        "users.setRoles.id",
        "users.setRoles.roles.0",
        "users.delete.id",
        "audit.list.actorId",
        "audit.list.subjectId",
        "audit.list.cursor",
      ]),
    );
  });

  it.each(stringInputs.map(({ name, path }) => [[name, ...path].join("."), name, path] as const))(
    "%s: BAD_REQUEST, with an issue at that field that names the NUL character",
    async (_, name, path) => {
      const admin = await h.createSignedInUser({ roles: ["admin", "user"] });
      const error = await call(h.caller(admin.token), name, inputWith(path, "abc\u0000def@example.com")).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TRPCError);
      expect(error).toMatchObject({ code: "BAD_REQUEST" });
      const { issues } = (error as TRPCError & { cause: z.ZodError }).cause;
      const nulIssues = issues.filter((issue) => /NUL/.test(issue.message));
      expect(nulIssues.map((issue) => issue.path)).toEqual([path]);
    },
  );
});
