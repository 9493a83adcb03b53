// Creating and dropping a database on a PostgreSQL server: for test databases, and for the API in
// development when DATABASE_URL names a database that does not exist yet. Both connect to the
// server's `postgres` maintenance database with the credentials of the URL.
import pg from "pg";

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** The database a URL names ("postgres://host/app?schema=x" -> "app"). */
export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

async function onServer<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(url, "postgres") });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Creates the database the URL names. False if it already existed (another process was first). */
export async function createDatabase(url: string): Promise<boolean> {
  const name = databaseNameOf(url);
  return onServer(url, async (client) => {
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      return true;
    } catch (error) {
      if ((error as { code?: unknown }).code === "42P04") return false; // duplicate_database
      throw error;
    }
  });
}

/** Drops the database the URL names, disconnecting whoever is still connected to it. */
export async function dropDatabase(url: string): Promise<void> {
  const name = databaseNameOf(url);
  await onServer(url, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`),
  );
}
