// Every Redis key the platform writes starts with this prefix (tests pass one of their own), so the
// platform can share a Redis with other users and its keys can be listed, granted (ACLs) or
// dropped together.
export const defaultRedisKeyPrefix = "auth:";

/** The pub/sub channel on which registry writes announce whose entries changed. */
export const changeChannel = (prefix: string) => `${prefix}changes`;
