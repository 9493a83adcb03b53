import { describe, expect, it } from "vitest";

import { serverModulesIn } from "./server-code-guard.js";

const repo = "/work/repo";

describe("serverModulesIn", () => {
  it("finds server packages and server sources among bundled modules", () => {
    const server = [
      `${repo}/node_modules/.pnpm/argon2@0.44.0/node_modules/argon2/argon2.cjs`,
      `${repo}/node_modules/.pnpm/ioredis@6.0.0/node_modules/ioredis/built/index.js`,
      `${repo}/node_modules/.pnpm/fastify@5.12.8/node_modules/fastify/fastify.js`,
      `${repo}/node_modules/.pnpm/@prisma+client@7.10.0/node_modules/@prisma/client/runtime/client.js`,
      `${repo}/packages/auth/src/password.ts`,
      `${repo}/packages/auth/src/index.ts`,
      `${repo}/apps/api/src/router.ts`,
      `${repo}/packages/db/src/index.ts`,
    ];
    expect(serverModulesIn(server)).toEqual(server);
  });

  it("lets through the browser's code and the API's browser-safe input rules", () => {
    const browser = [
      `${repo}/apps/web/src/main.tsx`,
      `${repo}/packages/client/src/index.ts`,
      `${repo}/packages/react/src/index.ts`,
      `${repo}/apps/api/src/input-schemas.ts`,
      `${repo}/packages/auth/src/password-policy.ts`,
      `${repo}/packages/auth/src/common-passwords.ts`,
      `${repo}/node_modules/.pnpm/zod@4.6.7/node_modules/zod/v4/classic/schemas.js`,
      `${repo}/node_modules/.pnpm/@trpc+client@11.22.1/node_modules/@trpc/client/dist/index.mjs`,
      "\0vite/preload-helper.js",
    ];
    expect(serverModulesIn(browser)).toEqual([]);
  });
});
