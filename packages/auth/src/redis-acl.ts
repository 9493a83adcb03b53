// Least privilege for specialist apps in Redis: a specialist reads the registry's keys and listens
// on its change channel, and can do nothing else (no write, no other key, no other channel, no
// administration). Create its user with these rules (the README's "One identity, many apps" shows
// the whole command), and give the specialist a REDIS_URL naming that user:
//
//   ACL SETUSER notes on >PASSWORD <specialistAclRules()>
//
// On a Redis Cluster, run it on every node: each keeps its own users. The identity service needs
// write access and keeps a user of its own (or the default user).
import { changeChannel, defaultRedisKeyPrefix } from "./redis-keys.js";

export function specialistAclRules(keyPrefix = defaultRedisKeyPrefix): string[] {
  return [
    "resetkeys",
    `%R~${keyPrefix}*`, // read-only access to the registry's keys
    "resetchannels",
    `&${changeChannel(keyPrefix)}`, // the one channel it may subscribe to
    "-@all",
    "+mget", // a registry lookup
    "+get",
    "+subscribe", // the change feed
    "+ping", // readiness, and the change feed's heartbeat
    "+info", // ioredis's ready check when connecting
    "+client|setname", // the change feed's connection is named after its channel
    "+cluster|slots", // on a Redis Cluster: where the slots are
    "+cluster|info", // on a Redis Cluster: ioredis's ready check (without it the connection never opens)
  ];
}
