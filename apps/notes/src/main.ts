// Entry point of the notes app: configuration -> logger -> port check -> dependencies -> server ->
// listen; stops cleanly on SIGTERM/SIGINT. The banner, or why it cannot start, is plain text.
// `--port-variable=NOTES_PORT` (the `dev` script, which the root `pnpm dev` runs beside the
// identity) reads the port from NOTES_PORT instead of PORT, which is then the identity's.
import { parseArgs } from "node:util";

import {
  assertPortAvailable,
  createLogger,
  describeCorsOrigins,
  describeListenError,
  type Logger,
  StartupError,
} from "@platform/api/server-kit";

import { ConfigError, loadConfig, type PortVariable } from "./config.js";
import { openDeps } from "./open-deps.js";
import { buildServer } from "./server.js";

let logger: Logger | undefined;

function readPortVariable(): PortVariable {
  const { values } = parseArgs({ options: { "port-variable": { type: "string", default: "PORT" } } });
  const name = values["port-variable"];
  if (name === "PORT" || name === "NOTES_PORT") return name;
  throw new StartupError(`--port-variable must be PORT or NOTES_PORT, got '${name}'`);
}

async function main() {
  // the environment is loadConfig's default
  const config = loadConfig(undefined, { portVariable: readPortVariable() });
  logger = createLogger(config);
  if (config.tokens.kind === "secret" && config.tokens.isDevelopmentSecret) {
    logger.warn("JWT_SECRET is not set; using the development-only secret. Never do this in production.");
  }
  for (const warning of config.warnings) logger.warn(warning);
  await assertPortAvailable(config.host, config.port, config.portVariable);
  const opened = await openDeps(config, logger);
  const server = await buildServer(opened.deps, { onClose: () => opened.close() });

  let isStopping = false;
  const stop = async (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    logger?.info(`${signal} received: closing the server, the database and the registry`);
    await server.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));

  let address: string;
  try {
    address = await server.listen({ host: config.host, port: config.port });
  } catch (error) {
    await server.close();
    throw describeListenError(error, config.host, config.port, config.portVariable);
  }
  const url = address.replace("0.0.0.0", "127.0.0.1");
  const banner = [
    ...opened.report,
    describeCorsOrigins(config.corsOrigin),
    `Notes listening on ${url} (tRPC at ${url}/trpc)`,
  ];
  console.log(banner.join("\n"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StartupError) {
    if (error.cause !== undefined) logger?.debug({ err: error.cause }, "start-up failure details");
    console.error(error.message);
  } else console.error("Failed to start:", error);
  process.exit(1);
});
