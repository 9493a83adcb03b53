// Sign out, and, next to the button, why it failed when the server did not get it: the session is
// then kept (see sign-out-failure.ts), so the page stays as it is and the user can try again.
import { useState } from "react";

import { describeSignOutFailure } from "./sign-out-failure.js";

interface SignOutButtonProps {
  /** Resolves once signed out; rejects, keeping the session, when the server did not get it. */
  signOut: () => Promise<void>;
  className: string;
}

export function SignOutButton({ signOut, className }: SignOutButtonProps) {
  const [isSigningOut, setSigningOut] = useState(false);
  const [failure, setFailure] = useState<string>();
  return (
    <>
      <button
        type="button"
        className={className}
        disabled={isSigningOut}
        onClick={() => {
          setSigningOut(true);
          setFailure(undefined);
          signOut()
            .catch((error: unknown) => {
              setFailure(describeSignOutFailure(error));
            })
            .finally(() => {
              setSigningOut(false);
            });
        }}
      >
        {isSigningOut ? "Signing out…" : "Sign out"}
      </button>
      {/* always in the page (empty: hidden), so that a screen reader announces the failure */}
      <p className="sign-out-failure" role="alert">
        {failure}
      </p>
    </>
  );
}
