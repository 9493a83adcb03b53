import { type IdentityClient, sessionKeeperOf } from "./create-client.js";

/**
 * On page load: whether there is a session to go on with. In cookie mode it asks the server,
 * which reads its HttpOnly refresh cookie, and keeps the access token it answers (true), or finds
 * no session (false, and the store is cleared). In body mode it says whether the token store holds
 * a session (a persisted store's, from before the reload). A network failure or a 503 rejects:
 * that says nothing about the session.
 *
 *   const client = createClient({ url, refreshTokenIn: "cookie", tokenStore });
 *   if (!(await resumeSession(client))) showSignIn();
 */
export function resumeSession(client: IdentityClient): Promise<boolean> {
  return sessionKeeperOf(client).resume();
}
