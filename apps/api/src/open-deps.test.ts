import { randomUUID } from "node:crypto";

import { createPrismaClient, dropDatabase } from "@platform/db";
import { afterAll, describe, expect, it } from "vitest";

import { loadConfig } from "./config.js";
import { createSilentLogger } from "./logger.js";
import { openDeps } from "./open-deps.js";
import { StartupError } from "./startup-error.js";
import { testJwtSecret } from "./test-support/harness.js";

const serverUrl = process.env.DATABASE_URL;

describe.skipIf(!serverUrl)("DATABASE_URL naming a database that does not exist", () => {
  const name = `ops_missing_${randomUUID().replaceAll("-", "")}`;
  const url = new URL(serverUrl ?? "postgres://unused");
  url.pathname = `/${name}`;
  afterAll(() => dropDatabase(url.toString()));

  const databaseExists = async () => {
    const server = createPrismaClient({ url: serverUrl ?? "" });
    try {
      const rows = await server.$queryRaw<unknown[]>`SELECT 1 FROM pg_database WHERE datname = ${name}`;
      return rows.length === 1;
    } finally {
      await server.$disconnect();
    }
  };

  it("outside development: refuses, saying how to create it", async () => {
    const config = loadConfig({ NODE_ENV: "test", JWT_SECRET: testJwtSecret, DATABASE_URL: url.toString() });
    const opening = openDeps(config, createSilentLogger());
    await expect(opening).rejects.toBeInstanceOf(StartupError);
    const { hostname, port, username } = url;
    await expect(opening).rejects.toThrow(
      `database "${name}" does not exist. Create it with \`createdb -h ${hostname} -p ${port} -U ${username} ${name}\` (or SQL: CREATE DATABASE "${name}";), then run \`pnpm db:migrate\``,
    );
    expect(await databaseExists()).toBe(false);
  });

  it("in development: creates it, migrates it, and says so", async () => {
    const config = loadConfig({ NODE_ENV: "development", DATABASE_URL: url.toString() });
    const opened = await openDeps(config, createSilentLogger());
    try {
      expect(opened.report).toContain(`database created: ${name} (it did not exist; created in development only)`);
      expect(opened.report.join("\n")).toMatch(/migrations applied: .*_init/);
      expect(await opened.deps.prisma.user.count()).toBe(1); // the development admin
    } finally {
      await opened.close();
    }
    expect(await databaseExists()).toBe(true);
  });
});
