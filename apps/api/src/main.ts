// Entry point: configuration -> dependencies -> server -> listen. Stops cleanly on SIGTERM/SIGINT.
import { ConfigError, loadConfig } from "./config.js";
import { openDeps, StartupError } from "./open-deps.js";
import { buildServer } from "./server.js";
import { startSessionSweeper } from "./session-sweeper.js";

async function main() {
  const config = loadConfig();
  if (config.jwt.isDevelopmentSecret) {
    console.warn("WARNING: JWT_SECRET is not set; using the development-only secret. Never do this in production.");
  }
  const opened = await openDeps(config);
  const stopSweeping = startSessionSweeper(opened.deps);
  const server = await buildServer(opened.deps, {
    logger: { level: config.logLevel },
    onClose: async () => {
      stopSweeping();
      await opened.close();
    },
  });

  let isStopping = false;
  const stop = async (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    console.log(`${signal} received: closing the server, the database and the registry`);
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
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE")
      throw new StartupError(`Port ${config.port} is already in use: stop the other process or set PORT`);
    throw error;
  }
  const url = address.replace("0.0.0.0", "127.0.0.1");
  console.log([...opened.report, `API listening on ${url} (tRPC at ${url}/trpc)`].join("\n"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StartupError) console.error(error.message);
  else console.error("Failed to start:", error);
  process.exit(1);
});
