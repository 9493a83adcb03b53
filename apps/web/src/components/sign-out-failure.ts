// What the app says when a sign-out did not reach the server (network, 503, 429). The session is
// then kept (useSession's signOut rejects): it is still live on the server, and in cookie mode a
// reload would resume it from the HttpOnly cookie, so the user must not be told they are out.

/** "Sign-out failed: <why>. Try again." for the error the sign-out rejected with. */
export function describeSignOutFailure(error: unknown): string {
  const why = (error instanceof Error ? error.message : String(error)).trim().replace(/\.+$/, "");
  return `Sign-out failed: ${why || "unknown error"}. Try again.`;
}
