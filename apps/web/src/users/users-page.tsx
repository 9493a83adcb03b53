// Users, for admins: one page of users.list at a time (the API's cursor pages), with each user's
// roles, sessions and account to manage. Anyone else sees why not: the link is there for every
// signed-in user, the list only for admins (the API decides; the roles we know only save a call).
import type { SessionUser } from "@platform/react";
import { useTRPC } from "@platform/react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { PageHeading } from "../components/page-heading.js";
import { FormAlert, StatusMessage } from "../forms/form-alert.js";
import { errorsFromApi } from "../forms/form-errors.js";
import { Forbidden } from "./forbidden.js";
import { userListView } from "./user-list-view.js";
import { UsersTable } from "./users-table.js";

export const usersPerPage = 20;

export function UsersPage({ user }: { user: SessionUser }) {
  return (
    <>
      <PageHeading>Users</PageHeading>
      {user.roles.includes("admin") ? <UserList /> : <Forbidden />}
    </>
  );
}

function UserList() {
  const trpc = useTRPC();
  // the cursors of the pages seen so far: the last one is the page shown (undefined: the first)
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const page = useQuery({
    ...trpc.users.list.queryOptions({ limit: usersPerPage, ...(cursor ? { cursor } : {}) }),
    placeholderData: keepPreviousData,
  });
  const [status, setStatus] = useState<string>();

  // roles changed since we read them (a demoted admin): the API's word is final, over any cached page
  const view = userListView(page);
  if (view === "forbidden") return <Forbidden />;
  if (view === "failed") return <FormAlert message={errorsFromApi(page.error, []).form} />;
  const pageNumber = cursors.length;
  return (
    <section className="card" aria-labelledby="users-title">
      <div className="card-header">
        <h2 id="users-title">All users</h2>
        <StatusMessage message={status} />
      </div>
      {page.data ? (
        <UsersTable users={page.data.items} onChange={setStatus} />
      ) : (
        <p className="muted">Loading users…</p>
      )}
      <nav className="pager" aria-label="Pages of users">
        <button
          type="button"
          className="button secondary small"
          disabled={pageNumber === 1 || page.isFetching}
          onClick={() => {
            setCursors((seen) => seen.slice(0, -1));
          }}
        >
          Previous page
        </button>
        <span aria-live="polite">Page {pageNumber}</span>
        <button
          type="button"
          className="button secondary small"
          disabled={!page.data?.nextCursor || page.isFetching}
          onClick={() => {
            const next = page.data?.nextCursor;
            if (next) setCursors((seen) => [...seen, next]);
          }}
        >
          Next page
        </button>
      </nav>
    </section>
  );
}
