// Types for wasm-engine.mjs (plain JS so that the schema-engine stand-in runs without a build).
export interface MigrationsList {
  baseDir: string;
  lockfile: { path: string; content: string | null };
  migrationDirectories: Array<{
    path: string;
    migrationFile: { path: string; content: { tag: string; value: string } };
  }>;
  shadowDbInitScript: string;
}
export interface SchemaEngine {
  applyMigrations(input: {
    migrationsList: MigrationsList;
    filters: { externalTables: string[]; externalEnums: string[] };
  }): Promise<{ appliedMigrationNames: string[] }>;
  diagnoseMigrationHistory(input: unknown): Promise<unknown>;
  free(): void;
}
export function createEngine(opts: {
  url: string;
  shadowDatabaseUrl?: string;
  datamodels?: Array<[string, string]>;
  log?: (line: string) => void;
}): Promise<{ engine: SchemaEngine; adapter: { close(): Promise<unknown> } }>;
export function readMigrations(baseDir: string, shadowDbInitScript?: string): Promise<MigrationsList>;
