// Signs the admin in against a running API and lists the users: the README's "Verify" step.
// Usage: pnpm verify [url]
//   url  the API (http://127.0.0.1:3001) or its tRPC endpoint (http://127.0.0.1:3001/trpc);
//        default http://127.0.0.1:$PORT/trpc (PORT defaults to 3001, as the API's does)
//   ADMIN_EMAIL / ADMIN_PASSWORD: the admin the API was started with (same defaults)
// Any failure is one line saying what is wrong, and exit code 1.
import { createClient, isIdentityError } from "../src/index.js";

/**
 * This script's whole configuration, read here and nowhere else: it is a command-line entry point
 * with a tiny configuration of its own, not part of the API (whose config module it cannot use).
 */
function readOptions(argv = process.argv.slice(2), env = process.env): Options {
  return {
    url: trpcEndpoint(argv[0] ?? `http://127.0.0.1:${env.PORT ?? 3001}`),
    email: env.ADMIN_EMAIL ?? "admin@example.com",
    password: env.ADMIN_PASSWORD ?? "correct-horse-battery-staple",
  };
}

interface Options {
  url: string;
  email: string;
  password: string;
}

/** A base URL (no path, or "/") means the API: its tRPC endpoint is /trpc. Other paths are kept. */
function trpcEndpoint(url: string): string {
  if (!URL.canParse(url)) throw new Error(`Not a URL: ${url} (e.g. http://127.0.0.1:3001)`);
  const parsed = new URL(url);
  if (parsed.pathname === "/" || parsed.pathname === "") parsed.pathname = "/trpc";
  return parsed.toString().replace(/\/$/, "");
}

/** One line for a person: what went wrong, and what to do. */
function describeFailure(error: unknown, { email }: Options): string {
  // a transport failure (unreachable, not tRPC) already reads as one line: see transport-errors.ts
  if (!isIdentityError(error)) return (error as Error).message;
  if (error.data.code === "UNAUTHORIZED")
    return `Invalid credentials for ${email}: set ADMIN_EMAIL and ADMIN_PASSWORD to the admin the API was started with`;
  if (error.data.code === "FORBIDDEN") return `${email} signed in but is not an admin, so users.list is refused`;
  return `verify failed: ${error.data.code}: ${error.message}`;
}

async function verify(options: Options) {
  const api = createClient({ url: options.url });
  const { user } = await api.auth.signIn.mutate({ email: options.email, password: options.password });
  console.log(`signed in as ${user.email} (roles: ${user.roles.join(", ")})`);
  const { items } = await api.users.list.query();
  console.log(`users.list: ${items.length} user(s): ${items.map((u) => u.email).join(", ")}`);
  await api.auth.signOut.mutate();
  console.log("signed out");
}

let options: Options | undefined;
try {
  options = readOptions();
  await verify(options);
} catch (error) {
  console.error(options ? describeFailure(error, options) : (error as Error).message);
  process.exitCode = 1;
}
