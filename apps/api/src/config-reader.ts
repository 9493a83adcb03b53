// Reading environment variables the platform's way, for each app's config module (apps/api's
// config.ts, a specialist's): each variable checked on its own by a rule, every refusal collected
// instead of stopping at the first, so one failed start lists every problem; each problem names
// its variable, what it must be and what it got (a secret by its length, a URL without its
// password). A blank value counts as unset. The rules between variables stay with each app.
import { z } from "zod";

import { redactUrl } from "./redact-url.js";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** How one variable is checked, and how a refusal reads: "<NAME> must be <expected>, got <shown value>". */
export interface Rule<T> {
  schema: z.ZodType<T>;
  expected: string;
  /** A refused value as the message shows it; quoted as given unless it is (or holds) a secret. */
  show?: (given: string) => string;
}

export const quoted = (given: string) => `'${given}'`;

export const wholeNumber = (min: number, max: number): Rule<number> => ({
  schema: z.coerce.number().int().min(min).max(max),
  expected: `a whole number from ${min} to ${max}`,
});
export const portNumber: Rule<number> = {
  schema: z.coerce.number().int().min(0).max(65_535), // 0: any free port (the tests use it)
  expected: "a port number (0–65535)",
};
export const oneOf = <const T extends string>(values: readonly [T, ...T[]]): Rule<T> => ({
  schema: z.enum(values),
  expected: `one of ${values.join(", ")}`,
});
export const urlOf = (protocols: [string, ...string[]]): Rule<string> => ({
  schema: z
    .string()
    .trim()
    .pipe(z.url({ protocol: new RegExp(`^(${protocols.join("|")})$`) })),
  expected: `a ${protocols.map((protocol) => `${protocol}://`).join(" or ")} URL`,
  show: (given) => quoted(redactUrl(given)),
});
export const anyText: Rule<string> = { schema: z.string(), expected: "text" };
export const trimmedText: Rule<string> = { schema: z.string().trim(), expected: "text" };

/** Checks variables one at a time, collecting a problem for each refusal instead of stopping at the first. */
export function createReader(env: NodeJS.ProcessEnv) {
  const problems: string[] = [];
  const refused = new Set<string>();
  /** Every variable this module reads: any other that looks like one of them is probably a typo. */
  const names = new Set<string>();
  /** The checked value; undefined when unset (or blank), and when refused (a problem is recorded). */
  function read<T>(name: string, rule: Rule<T>): T | undefined {
    names.add(name);
    const given = env[name];
    if (given === undefined || given.trim() === "") return undefined;
    const parsed = rule.schema.safeParse(given);
    if (parsed.success) return parsed.data;
    problems.push(`${name} must be ${rule.expected}, got ${(rule.show ?? quoted)(given)}`);
    refused.add(name);
    return undefined;
  }
  /** Whether a variable was refused: rules between variables say nothing more about it. */
  const isRefused = (...names: string[]) => names.some((name) => refused.has(name));
  return { read, isRefused, problems, names };
}
