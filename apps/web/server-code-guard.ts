// Fails the build when server code reaches the bundle. The app imports the API's input rules
// (`@platform/api/input-schemas`) and, as types only, its router: one wrong import there would
// ship argon2, ioredis, Fastify or Prisma to browsers (or fail at run time), so the build checks
// every module it bundled instead of trusting each import.
import type { Plugin } from "vite";

/** Packages that must never be in a browser bundle. */
const serverPackages =
  /[\\/]node_modules[\\/](argon2|ioredis|fastify|@fastify[\\/][^\\/]+|@prisma[\\/][^\\/]+|prisma|pg|pino|jose)[\\/]/;

/** The only sources of the server's workspace packages a browser may have. */
const browserSafeSources = [
  "apps/api/src/input-schemas.ts",
  "packages/auth/src/password-policy.ts",
  "packages/auth/src/common-passwords.ts",
];
const serverSources = /[\\/](apps[\\/](api|notes)|packages[\\/](auth|db))[\\/]src[\\/]/;

/** The bundled modules that are server code (empty when none is). */
export function serverModulesIn(moduleIds: Iterable<string>): string[] {
  return [...moduleIds].filter((id) => {
    const path = id.replaceAll("\\", "/");
    if (serverPackages.test(path)) return true;
    return serverSources.test(path) && !browserSafeSources.some((safe) => path.endsWith(safe));
  });
}

export function serverCodeGuard(): Plugin {
  return {
    name: "platform:server-code-guard",
    apply: "build",
    generateBundle() {
      const found = serverModulesIn(this.getModuleIds());
      if (found.length > 0) {
        this.error(
          `server code reached the browser bundle (check the imports that lead here):\n  ${found.join("\n  ")}`,
        );
      }
    },
  };
}
