// The web app's production bundle, built as `pnpm --filter @platform/web build` builds it (Vite's
// own command line, in a process of its own so that the build sees exactly the variables given
// here), but into a temporary directory: the API's port is known only once it runs, and
// apps/web/dist stays what a developer built.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const webRoot = fileURLToPath(new URL("../..", import.meta.url));
const viteCli = join(dirname(createRequire(import.meta.url).resolve("vite/package.json")), "bin", "vite.js");

export interface WebBundleOptions {
  /** VITE_API_URL: the API's tRPC URL as the browser reaches it. */
  apiUrl: string;
  /** VITE_REFRESH_TOKEN_IN: where the app keeps the refresh token ("body" is the app's default). */
  refreshTokenIn: "body" | "cookie";
}

export interface WebBundle {
  /** The directory holding index.html and assets/. */
  dir: string;
  remove: () => Promise<void>;
}

export async function buildWebBundle({ apiUrl, refreshTokenIn }: WebBundleOptions): Promise<WebBundle> {
  const dir = await mkdtemp(join(tmpdir(), "web-bundle-"));
  try {
    await promisify(execFile)(
      process.execPath,
      [viteCli, "build", "--outDir", dir, "--emptyOutDir", "--logLevel", "warn"],
      {
        cwd: webRoot,
        // NODE_ENV=production: the test runner's NODE_ENV=test would give React's development build
        env: {
          PATH: process.env.PATH ?? "",
          NODE_ENV: "production",
          VITE_API_URL: apiUrl,
          VITE_REFRESH_TOKEN_IN: refreshTokenIn,
        },
      },
    );
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`vite build failed:\n${stdout}${stderr}`, { cause: error });
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
