// The build for use outside this workspace: one ESM file and its .d.ts. Every dependency stays an
// import, @platform/client included: its own build carries the router's types, so nothing of the
// server reaches this package's output.
import { defineConfig } from "tsdown";

export default defineConfig({
  entry: ["src/index.ts"],
  format: "esm",
  platform: "neutral",
  target: "es2022",
  tsconfig: "tsconfig.build.json",
  deps: { neverBundle: [/^(@[^/]+\/)?[^./]/] },
  dts: true,
  sourcemap: false,
  clean: true,
});
