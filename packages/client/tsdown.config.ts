// The published build: one ESM file and one self-contained .d.ts. The router types come from
// private workspace packages (@platform/api, @platform/notes), so their declarations are inlined
// rather than imported: a project outside this repo has only the tarball and its public
// dependencies (@trpc/*, superjson). src/pack.test.ts installs the tarball and proves it.
import { defineConfig } from "tsdown";

const workspacePackage = /^@platform\//;
// Every other package stays an import (the server's are then shaken out of the .d.ts, unused).
const otherPackage = /^(?!@platform\/)(@[^/]+\/)?[^./]/;

export default defineConfig({
  entry: ["src/index.ts"],
  format: "esm",
  platform: "neutral",
  target: "es2022",
  // no rootDir and no Node types: the declarations of the router's files (outside src) are emitted too
  tsconfig: "tsconfig.build.json",
  deps: { alwaysBundle: [workspacePackage], neverBundle: [otherPackage] },
  dts: true,
  // no source maps: they would point at sources the tarball does not ship
  sourcemap: false,
  clean: true,
});
