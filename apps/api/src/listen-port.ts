// The port is checked before anything is opened: with a new DATA_DIR, a port already in use used
// to be reported only after the embedded database had been created (seconds later, and with a
// directory left behind). The probe binds the port and lets it go; main.ts still turns a failed
// listen into the same message, since another process may take the port in between.
import { createServer } from "node:net";

import { StartupError } from "./startup-error.js";

/** Resolves if HOST:PORT can be listened on now; otherwise a StartupError saying what to change. */
export async function assertPortAvailable(host: string, port: number, portVariable = "PORT"): Promise<void> {
  // with PORT=0 this still checks HOST
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once("error", reject);
      probe.listen({ host, port, exclusive: true }, resolve);
    });
  } catch (error) {
    throw describeListenError(error, host, port, portVariable);
  }
  await new Promise((resolve) => probe.close(resolve));
}

/**
 * A failed listen, in words a person can act on (other errors are returned as they are), naming the
 * variable that sets the port (another app of the platform may read one of its own).
 */
export function describeListenError(error: unknown, host: string, port: number, portVariable = "PORT"): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE")
    return new StartupError(`Port ${port} is already in use: stop the other process or set ${portVariable}`, {
      cause: error,
    });
  if (code === "EACCES")
    return new StartupError(
      `Port ${port} needs privileges this process does not have: set ${portVariable} above 1023`,
      {
        cause: error,
      },
    );
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND")
    return new StartupError(`Cannot listen on HOST=${host}: not an address of this machine (${code})`, {
      cause: error,
    });
  return error;
}
