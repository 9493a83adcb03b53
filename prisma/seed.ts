// `pnpm db:seed`: creates the admin account (ADMIN_EMAIL / ADMIN_PASSWORD) if it does not exist,
// and prints the credentials. Safe to run any number of times.
import "@platform/db/load-env-file"; // a developer's .env, as for every entry point (see that module)

import { adminSeedProblem, loadConfig, seedAdmin } from "@platform/api";
import { createPrismaClient } from "@platform/db";

const config = loadConfig();
if (config.database.kind !== "server") {
  console.error(
    "DATABASE_URL is not set: set it to the database to seed (`pnpm dev` seeds the embedded database by itself).",
  );
  process.exit(1);
}
const problem = adminSeedProblem(config);
if (problem) {
  console.error(problem);
  process.exit(1);
}
const prisma = createPrismaClient({ url: config.database.url, poolMax: 1 });
try {
  const { created } = await seedAdmin(prisma, config.admin);
  console.log(created ? "Admin created:" : "Admin already exists (password unchanged):");
  console.log(`  email:    ${config.admin.email}`);
  if (created) console.log(`  password: ${config.admin.password}`);
  console.log("Verify: sign in with these credentials and call users.list (see README.md, 'Use the client').");
} finally {
  await prisma.$disconnect();
}
