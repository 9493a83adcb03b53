// The registry as a specialist app sees it: it reads, it never writes. Sessions are registered,
// revoked and re-roled by the identity service only (and the Redis ACL a specialist runs under,
// redis-acl.ts, refuses its writes anyway), so:
//   - register is a no-op: a miss is answered by the identity (identity-session-source.ts), which
//     writes the session back to the shared registry itself;
//   - revoke and setRoles throw: a specialist that tries to change a session has a bug.
import { createLocalChangeFeed } from "./change-feed.js";
import type { SessionRegistry } from "./session-registry.js";

const refuseWrite = () =>
  Promise.reject(new Error("a specialist's session registry is read-only: the identity service changes sessions"));

/** The shared registry, read-only. */
export function readOnlyRegistry(registry: SessionRegistry): SessionRegistry {
  return {
    lookup: (sessionId, userId) => registry.lookup(sessionId, userId),
    register: () => Promise.resolve(),
    revoke: refuseWrite,
    setRoles: refuseWrite,
    changes: registry.changes,
    ping: () => registry.ping(),
    close: () => registry.close(),
  };
}

/**
 * No shared registry (development, with nothing configured): every session is unknown, so every
 * call is answered by the identity service. Nothing is remembered (its feed is never live), so a
 * sign-out on the identity is honoured on the next call. `ping` is the identity's readiness.
 */
export function identityOnlyRegistry(ping: () => Promise<void>): SessionRegistry {
  return {
    lookup: () => Promise.resolve({ status: "unknown" }),
    register: () => Promise.resolve(),
    revoke: refuseWrite,
    setRoles: refuseWrite,
    changes: createLocalChangeFeed(() => false),
    ping,
    close: () => Promise.resolve(),
  };
}
