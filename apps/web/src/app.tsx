// The app's frame: who is signed in decides which pages exist (routing/routes.ts pageFor). When
// the session ends without the user asking (signed out elsewhere, revoked, expired), the next
// call finds out, useSession turns signedOut, and the sign-in page says why.
import { type Session, useSession } from "@platform/react";
import { useEffect, useRef, useState } from "react";

import { AccountPage } from "./account/account-page.js";
import { SignOutButton } from "./components/sign-out-button.js";
import { SignedInLayout } from "./components/signed-in-layout.js";
import { SignInPage } from "./pages/sign-in-page.js";
import { SignUpPage } from "./pages/sign-up-page.js";
import { pageFor } from "./routing/routes.js";
import { replaceRoute, useRoute } from "./routing/use-route.js";
import { UsersPage } from "./users/users-page.js";

export function App() {
  const session = useSession();
  const route = useRoute();
  const { notice, signOut } = useSignOutNotice(session);
  const page = session.status === "loading" ? undefined : pageFor(session.status === "signedIn", route);
  // signed in, the address shows the page; signed out, it keeps the page asked for (a link, or
  // where the session ended) to show it once signed in
  useEffect(() => {
    if (session.status === "signedIn" && page) replaceRoute(page);
  }, [session.status, page]);

  if (session.status === "loading") return <Loading error={session.error} signOut={signOut} />;
  if (session.status === "signedOut") {
    return <main className="auth-main">{page === "signUp" ? <SignUpPage /> : <SignInPage notice={notice} />}</main>;
  }
  return (
    <SignedInLayout user={session.user} page={page} signOut={signOut}>
      {page === "users" ? <UsersPage user={session.user} /> : <AccountPage user={session.user} />}
    </SignedInLayout>
  );
}

/**
 * Sign-out through the app, and the notice the sign-in page shows when the session ended without
 * the user asking. A sign-out the server did not get rejects and keeps the session (the Sign out
 * button says why): the page stays where it is.
 */
function useSignOutNotice(session: Session) {
  const [notice, setNotice] = useState<string>();
  const isSigningOut = useRef(false);
  const previous = useRef(session.status);
  useEffect(() => {
    const wasSignedIn = previous.current !== "signedOut";
    previous.current = session.status;
    if (session.status === "signedIn") setNotice(undefined);
    if (session.status === "signedOut" && wasSignedIn && !isSigningOut.current) {
      setNotice("Your session has ended. Please sign in again.");
    }
  }, [session.status]);

  async function signOut() {
    isSigningOut.current = true;
    try {
      await session.signOut();
      setNotice(undefined);
      replaceRoute("signIn"); // whoever signs in next starts on their own account page
    } finally {
      isSigningOut.current = false;
    }
  }
  return { notice, signOut };
}

function Loading({ error, signOut }: { error: unknown; signOut: () => Promise<void> }) {
  return (
    <main className="auth-main">
      <section className="card auth-card" aria-busy={!error}>
        {error ? (
          <>
            <p role="alert">
              Your account could not be loaded: {error instanceof Error ? error.message : "unknown error"}
            </p>
            <p className="muted">Trying again…</p>
            <SignOutButton signOut={signOut} className="button secondary" />
          </>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </section>
    </main>
  );
}
