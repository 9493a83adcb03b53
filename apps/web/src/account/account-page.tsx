import type { SessionUser } from "@platform/react";

import { formatDate } from "../components/format.js";
import { PageHeading } from "../components/page-heading.js";
import { RoleBadges } from "../components/role-badges.js";
import { ChangePasswordForm } from "./change-password-form.js";
import { SessionsPanel } from "./sessions-panel.js";

/** "Me": who you are signed in as, where, and your password. */
export function AccountPage({ user }: { user: SessionUser }) {
  return (
    <>
      <PageHeading>Your account</PageHeading>
      <section className="card" aria-labelledby="profile-title">
        <h2 id="profile-title">Profile</h2>
        <dl className="profile">
          <dt>Email</dt>
          <dd>{user.email}</dd>
          <dt>Name</dt>
          <dd>{user.name}</dd>
          <dt>Roles</dt>
          <dd>
            <RoleBadges roles={user.roles} />
          </dd>
          <dt>Member since</dt>
          <dd>{formatDate(user.createdAt)}</dd>
        </dl>
      </section>
      <SessionsPanel />
      <ChangePasswordForm />
    </>
  );
}
