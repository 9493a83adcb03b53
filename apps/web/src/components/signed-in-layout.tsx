// The frame of every signed-in page: the app's name, the pages (Account, Users: shown to every
// signed-in user), who is signed in, and Sign out (with why, when it failed).
import type { SessionUser } from "@platform/react";
import type { ReactNode } from "react";

import { type Route, routes } from "../routing/routes.js";
import { SignOutButton } from "./sign-out-button.js";

interface SignedInLayoutProps {
  user: SessionUser;
  page: Route | undefined;
  signOut: () => Promise<void>;
  children: ReactNode;
}

export function SignedInLayout({ user, page, signOut, children }: SignedInLayoutProps) {
  const link = (route: Route, label: string) => (
    <a href={routes[route]} className="nav-link" aria-current={page === route ? "page" : undefined}>
      {label}
    </a>
  );
  return (
    <>
      {/* not href="#main": the hash is the route (routing/routes.ts) */}
      <a
        href={routes[page ?? "account"]}
        className="skip-link"
        onClick={(event) => {
          event.preventDefault();
          document.getElementById("main")?.focus();
        }}
      >
        Skip to content
      </a>
      <header className="top-bar">
        <div className="top-bar-inner">
          <span className="brand">Platform</span>
          <nav aria-label="Main">
            {link("account", "Account")}
            {link("users", "Users")}
          </nav>
          <div className="who">
            <span className="who-email" title={user.email}>
              {user.email}
            </span>
            <SignOutButton signOut={signOut} className="button secondary small" />
          </div>
        </div>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
