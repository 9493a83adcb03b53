// The published package as a stranger gets it: built, packed, installed from the tarball into a
// fresh project outside this workspace (no @platform/* package, no Prisma, no Node types there).
// tsc must accept a correct call and reject a wrong input there, and the built client must sign in
// against a running API. This is what broke when the types pointed at the private @platform/api.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { credentialsOf, useTestServer } from "@platform/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("..", import.meta.url));
// the workspace's own TypeScript, so the fresh project checks with the version CI checks with
const typescriptVersion = (createRequire(import.meta.url)("typescript/package.json") as { version: string }).version;
const minutes = 60_000;

const api = useTestServer();

/** Runs a command; resolves with its output and exit code instead of throwing on failure. */
async function sh(file: string, args: string[], cwd: string) {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

async function mustRun(file: string, args: string[], cwd: string) {
  const result = await sh(file, args, cwd);
  if (result.code !== 0) throw new Error(`${file} ${args.join(" ")} failed (${result.code}):\n${result.output}`);
  return result.output;
}

// A consumer's strict setup, without Node types (a browser app has none).
const tsconfig = (file: string, skipLibCheck = true) => ({
  compilerOptions: {
    target: "ES2022",
    lib: ["ES2022", "DOM"],
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    noEmit: true,
    types: [],
    skipLibCheck,
  },
  files: [file],
});

const correctCall = `import { createBrowserTokenStore, createClient, resumeSession, type RouterOutputs, type StoredSession } from "@platform/client";
const client = createClient({ url: "http://127.0.0.1:3001/trpc" });
export async function whoAmI(email: string, password: string): Promise<string> {
  await client.auth.signIn.mutate({ email, password });
  const me: RouterOutputs["auth"]["me"] = await client.auth.me.query();
  return me.email;
}
// a web app's setup: cookie mode, the session in this tab's memory, followed across tabs
const tokenStore = createBrowserTokenStore({ persist: false });
const browserClient = createClient({ url: "/trpc", refreshTokenIn: "cookie", tokenStore });
export const stop: () => void = tokenStore.subscribe((session: StoredSession | null) => console.log(session?.token));
export const resumed: Promise<boolean> = resumeSession(browserClient);
`;

// password missing: the call a stale or careless caller makes, which only the types can catch
const wrongInput = `import { createClient } from "@platform/client";
const client = createClient({ url: "http://127.0.0.1:3001/trpc" });
export const attempt = client.auth.signIn.mutate({ email: "ann@example.com" });
`;

// plain JavaScript: what a Node app runs from the installed package
const signInAndMe = `import { createClient } from "@platform/client";
const [url, email, password] = process.argv.slice(2);
const client = createClient({ url });
await client.auth.signIn.mutate({ email, password });
const me = await client.auth.me.query();
console.log(JSON.stringify({ email: me.email, createdAtIsDate: me.createdAt instanceof Date }));
`;

describe("the packed @platform/client, installed outside the workspace", () => {
  let work: string;
  let project: string;
  let tarball: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "platform-client-pack-"));
    project = join(work, "consumer");
    await mkdir(project);
    await mustRun("pnpm", ["run", "build"], packageDir);
    await mustRun("pnpm", ["pack", "--pack-destination", work], packageDir);
    const packed = (await readdir(work)).find((name) => name.endsWith(".tgz"));
    if (!packed) throw new Error(`pnpm pack wrote no tarball in ${work}`);
    tarball = join(work, packed);

    await writeFile(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    await mustRun(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball, `typescript@${typescriptVersion}`],
      project,
    );
    await writeFile(join(project, "good.ts"), correctCall);
    await writeFile(join(project, "bad.ts"), wrongInput);
    await writeFile(join(project, "run.mjs"), signInAndMe);
    await writeFile(join(project, "tsconfig.good.json"), JSON.stringify(tsconfig("good.ts")));
    await writeFile(join(project, "tsconfig.bad.json"), JSON.stringify(tsconfig("bad.ts")));
    await writeFile(join(project, "tsconfig.libcheck.json"), JSON.stringify(tsconfig("good.ts", false)));
  }, 5 * minutes);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("ships only dist/ and package.json, with no workspace-only condition or version", async () => {
    const entries = (await mustRun("tar", ["-tzf", tarball], work)).trim().split("\n");
    expect(entries.filter((entry) => !/^package\/(dist\/.+|package\.json|README\.md)$/.test(entry))).toEqual([]);
    expect(entries).toEqual(expect.arrayContaining(["package/dist/index.js", "package/dist/index.d.ts"]));

    const manifest = await mustRun("tar", ["-xzOf", tarball, "package/package.json"], work);
    expect(manifest).not.toMatch(/"source"|workspace:|catalog:/);
  });

  it("tsc accepts a correct call with the installed types alone", async () => {
    const { code, output } = await sh("node", ["node_modules/typescript/bin/tsc", "-p", "tsconfig.good.json"], project);
    expect(output).toBe("");
    expect(code).toBe(0);
  });

  it("the shipped .d.ts itself has no error under skipLibCheck: false", async () => {
    // @trpc/server's own declarations need Node types and ESNext's Disposable (its business, not
    // ours, and hidden by the usual skipLibCheck); nothing may be reported in our package or good.ts
    const { output } = await sh("node", ["node_modules/typescript/bin/tsc", "-p", "tsconfig.libcheck.json"], project);
    const ours = output.split("\n").filter((line) => /^(node_modules\/@platform\/|good\.ts)/.test(line));
    expect(ours).toEqual([]);
  });

  it("tsc rejects a wrong input (signIn without a password)", async () => {
    const { code, output } = await sh("node", ["node_modules/typescript/bin/tsc", "-p", "tsconfig.bad.json"], project);
    expect(code).not.toBe(0);
    expect(output).toMatch(/bad\.ts\(3,\d+\): error TS2345: .*Property 'password' is missing/s);
    expect(output).not.toMatch(/TS2307/); // every module the types name is installed
    expect(output.trim().split("\n")[0]).toMatch(/^bad\.ts/); // and that is the only error
    expect(output.match(/error TS/g)).toHaveLength(1);
  });

  it("signs in and calls auth.me from that project against a running API", async () => {
    const user = await api.h.createUser();
    const { email, password } = credentialsOf(user);
    const output = await mustRun("node", ["run.mjs", api.url, email, password], project);
    expect(JSON.parse(output)).toEqual({ email: user.email, createdAtIsDate: true });
  });
});
