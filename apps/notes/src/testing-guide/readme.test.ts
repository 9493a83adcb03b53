// The README's "Testing procedures" quotes users.example.test.ts whole: this keeps the two equal, so
// the example a reader copies is the one that compiles (pnpm typecheck) and passes (pnpm test).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

const read = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), "utf8");
const examplePath = "apps/notes/src/testing-guide/users.example.test.ts";

/** The ```ts block that follows the README's line naming the example file. */
function quotedExample(readme: string): string | undefined {
  const named = readme.indexOf(`(\`${examplePath}\``);
  if (named === -1) return undefined;
  return /```ts\n([\s\S]*?)```/.exec(readme.slice(named))?.[1];
}

describe("the README's testing guide", () => {
  it("quotes the example test file exactly", () => {
    const readme = read("../../../../README.md");
    const start = readme.indexOf("\n## Testing procedures\n");
    expect(start, 'README.md has no "## Testing procedures" section').toBeGreaterThan(-1);
    const section = readme.slice(start);
    expect(quotedExample(section), `README.md's "Testing procedures" does not name ${examplePath}`).toBeDefined();
    expect(quotedExample(section)).toBe(read("./users.example.test.ts"));
  });
});
