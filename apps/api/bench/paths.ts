// Where the benchmark's files are: its scripts, its results, the API's build and the notes app's.
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const packageDir = fileURLToPath(new URL("..", import.meta.url));
export const resultsDir = join(packageDir, "bench", "results");
export const benchFile = (file: string) => join(packageDir, "bench", file);
export const builtApiEntry = join(packageDir, "dist", "main.js");
export const notesDir = join(packageDir, "..", "notes");
export const builtNotesEntry = join(notesDir, "dist", "main.js");
