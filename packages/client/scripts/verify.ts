// Signs the admin in against a running API and lists the users: the README's "Verify" step.
// Usage: pnpm verify [url]   (default http://127.0.0.1:3001/trpc; ADMIN_EMAIL / ADMIN_PASSWORD)
import { createClient } from "../src/index.js";

const url = process.argv[2] ?? "http://127.0.0.1:3001/trpc";
const email = process.env.ADMIN_EMAIL ?? "admin@example.com";
const password = process.env.ADMIN_PASSWORD ?? "correct-horse-battery-staple";

const api = createClient({ url });
const { user } = await api.auth.signIn.mutate({ email, password });
console.log(`signed in as ${user.email} (roles: ${user.roles.join(", ")})`);
const { items } = await api.users.list.query();
console.log(`users.list: ${items.length} user(s): ${items.map((u) => u.email).join(", ")}`);
await api.auth.signOut.mutate();
console.log("signed out");
