// Lint rules for every package, in one place: each package's `pnpm lint` (`eslint .`) finds this
// file by walking up from the files it lints. Type-checked rules read each file's nearest
// tsconfig.json. Formatting is Prettier's business (prettier.config.js); eslint-config-prettier
// turns off the rules that would fight it.
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import prettier from "eslint-config-prettier";
import simpleImportSort from "eslint-plugin-simple-import-sort";
import globals from "globals";
import tseslint from "typescript-eslint";

// Only the configuration module and the test support read the environment (CONVENTIONS rule 2),
// and command-line scripts that are not part of the API and have a tiny configuration of their
// own, read in one function at their top. The benchmark runs on the test harness's services, like
// the tests.
const mayReadEnvironment = [
  "apps/api/src/config.ts",
  "apps/notes/src/config.ts",
  "packages/client/scripts/verify.ts",
  "packages/client/soak/run.ts",
  "scripts/test-report.ts",
  "**/testing.ts",
  "packages/db/src/test-services.ts",
  "**/test-support/**",
  "**/*.test.ts",
  "apps/api/bench/**",
  "**/prisma.config.ts",
];

export default defineConfig(
  globalIgnores([
    "**/dist/**",
    "**/node_modules/**",
    "**/.turbo/**",
    "packages/db/src/generated/**",
    "apps/notes/src/generated/**",
    ".data/**",
    ".data-notes/**",
    ".stryker-tmp/**",
    "reports/**",
  ]),
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "simple-import-sort": simpleImportSort },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true }],
      "simple-import-sort/imports": "error",
      "simple-import-sort/exports": "error",
      "no-restricted-properties": [
        "error",
        {
          object: "process",
          property: "env",
          message: "Read configuration through loadConfig (apps/api/src/config.ts), not process.env.",
        },
      ],
    },
  },
  {
    files: mayReadEnvironment,
    rules: { "no-restricted-properties": "off" },
  },
  {
    // The in-process registry and limiter implement async interfaces with synchronous code (that
    // is what makes them atomic); their methods stay `async` so that a thrown error becomes a
    // rejection, exactly as with the Redis implementations.
    files: ["packages/auth/src/memory-*.ts"],
    rules: { "@typescript-eslint/require-await": "off" },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  prettier,
);
