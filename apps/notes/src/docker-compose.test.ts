// docker-compose.yml's `platform` profile, held to the code it deploys (no Docker engine runs here,
// so this reads the file; `pnpm lint`'s Prettier parses it as YAML):
//  - the Redis user notes signs in as has exactly specialistAclRules(), and is off without a password;
//  - notes' REDIS_URL names that user;
//  - no secret has a default: each is taken from the user's environment, or is empty (and then the
//    identity, in production, or Redis refuses it).
// The file is read as Prettier lays it out (two-space indents, one list item a line).
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { specialistAclRules } from "@platform/auth";
import { repoRoot } from "@platform/db";
import { describe, expect, it } from "vitest";

const compose = readFileSync(join(repoRoot, "docker-compose.yml"), "utf8");
const lines = compose.split("\n");
/** The ACL rule after "on": with the password, ">password"; without, "off" (which wins, coming later). */
const notesPasswordRule = "${NOTES_REDIS_PASSWORD:+>}${NOTES_REDIS_PASSWORD:-off}";

/** The lines of a top-level service (under `services:`), up to the next service or section. */
function serviceLines(name: string): string[] {
  const start = lines.indexOf(`  ${name}:`);
  if (start < 0) throw new Error(`docker-compose.yml has no service ${name}`);
  const end = lines.findIndex((line, i) => i > start && /^ {0,2}\S/.test(line) && !line.trimStart().startsWith("#"));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** The items of a service's block list `key:` (a double-quoted item read as YAML reads it, as JSON does). */
function listOf(service: string, key: string): string[] {
  const body = serviceLines(service);
  const start = body.indexOf(`    ${key}:`);
  if (start < 0) throw new Error(`service ${service} has no list ${key}`);
  const items: string[] = [];
  for (const line of body.slice(start + 1)) {
    const item = /^ {6}- (.*)$/.exec(line)?.[1];
    if (item === undefined) break;
    items.push(item.startsWith('"') ? (JSON.parse(item) as string) : item);
  }
  return items;
}

/** A value of a service's `environment:` mapping, as written. */
function environmentOf(service: string, name: string): string | undefined {
  const line = serviceLines(service).find((candidate) => candidate.startsWith(`      ${name}: `));
  return line?.slice(`      ${name}: `.length);
}

describe("docker-compose.yml, profile platform", () => {
  it("gives Redis a user `notes` with exactly specialistAclRules(), off until NOTES_REDIS_PASSWORD is set", () => {
    const command = listOf("redis", "command");
    expect(command.slice(0, 3)).toEqual(["redis-server", "--user", "notes"]);
    const [on, password, ...rules] = command.slice(3);
    expect(on).toBe("on");
    expect(password).toBe(notesPasswordRule);
    expect(rules).toEqual(specialistAclRules());
  });

  it("connects notes to Redis as that user, with that password", () => {
    expect(environmentOf("notes", "REDIS_URL")).toBe("redis://notes:${NOTES_REDIS_PASSWORD:-}@redis:6379");
  });

  it("runs the identity in production, which refuses a missing JWT_SECRET, JWT_PRIVATE_KEY or ADMIN_PASSWORD", () => {
    expect(compose).toContain("x-identity-environment: &identity-environment\n  NODE_ENV: production\n");
    expect(compose).toContain("  JWT_ALGORITHM: EdDSA\n");
  });

  it.each(["JWT_SECRET", "JWT_PRIVATE_KEY", "ADMIN_PASSWORD", "NOTES_REDIS_PASSWORD"])(
    "takes %s from the environment, never with a default",
    (secret) => {
      // the rule above makes no password up: unset, it turns the user off
      const text = compose.replaceAll(notesPasswordRule, "");
      const uses = [...text.matchAll(new RegExp(`\\$\\{${secret}(?::?[-=?+])?([^}]*)\\}`, "g"))];
      expect(uses.length).toBeGreaterThan(0);
      for (const [use, operand] of uses) expect({ use, operand }).toEqual({ use, operand: "" });
    },
  );
});
