// "The limit": a bare Fastify route answering GET /me with the exact bytes of a real `auth.me`
// response (read from the file named by the first argument), no logging, no hooks, nothing to look
// up. Whatever the API does per call is measured against this on the same machine, in the same run.
// Started by bench/http.ts as a process of its own.
import { readFileSync } from "node:fs";

import Fastify from "fastify";

const bodyPath = process.argv[2];
if (!bodyPath) throw new Error("usage: bare-server.ts <file with the response body>");
const body = readFileSync(bodyPath, "utf8");

const server = Fastify();
server.get("/me", (_request, reply) => reply.type("application/json").send(body));
const url = await server.listen({ host: "127.0.0.1", port: 0 });
console.log(`bare route listening on ${url}`);

process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
