// Entry point: configuration -> logger -> port check -> dependencies -> server -> listen. Stops
// cleanly on SIGTERM/SIGINT. What people read at start-up (the banner, or why it cannot start) is
// plain text whatever LOG_LEVEL says; everything else goes through the logger.
import { ConfigError, loadConfig } from "./config.js";
import { describeCorsOrigins } from "./cors.js";
import { assertPortAvailable, describeListenError } from "./listen-port.js";
import { createLogger, type Logger } from "./logger.js";
import { openDeps } from "./open-deps.js";
import { startRegistryOutboxDrainer } from "./registry-outbox.js";
import { buildServer } from "./server.js";
import { startSessionSweeper } from "./session-sweeper.js";
import { StartupError } from "./startup-error.js";

let logger: Logger | undefined;

async function main() {
  const config = loadConfig();
  logger = createLogger(config);
  if (config.jwt.isDevelopmentSecret) {
    logger.warn("JWT_SECRET is not set; using the development-only secret. Never do this in production.");
  }
  for (const warning of config.warnings) logger.warn(warning);
  await assertPortAvailable(config.host, config.port);
  const opened = await openDeps(config, logger);
  const stopSweeping = startSessionSweeper(opened.deps);
  const stopDraining = startRegistryOutboxDrainer(opened.deps);
  const server = await buildServer(opened.deps, {
    onClose: async () => {
      stopSweeping();
      stopDraining();
      await opened.close();
    },
  });

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
    throw describeListenError(error, config.host, config.port);
  }
  const url = address.replace("0.0.0.0", "127.0.0.1");
  const banner = [
    ...opened.report,
    describeCorsOrigins(config.corsOrigin),
    `API listening on ${url} (tRPC at ${url}/trpc)`,
  ];
  console.log(banner.join("\n"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StartupError) {
    // the message says what to do; what lies beneath is for LOG_LEVEL=debug
    if (error.cause !== undefined) logger?.debug({ err: error.cause }, "start-up failure details");
    console.error(error.message);
  } else console.error("Failed to start:", error);
  process.exit(1);
});
