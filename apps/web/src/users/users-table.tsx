// One page of users as a table (a row per user, the email as the row's header), with the actions
// an admin takes on each: edit roles in place, end every session, delete. The last two ask first.
import type { RouterOutputs } from "@platform/client";
import { useTRPC } from "@platform/react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";

import { ConfirmDialog } from "../components/confirm-dialog.js";
import { formatDate } from "../components/format.js";
import { RoleBadges } from "../components/role-badges.js";
import { errorsFromApi } from "../forms/form-errors.js";
import { RoleEditor } from "./role-editor.js";

type ListedUser = RouterOutputs["users"]["list"]["items"][number];
type PendingAction = { kind: "revoke" | "delete"; user: ListedUser };

export function UsersTable({ users, onChange }: { users: ListedUser[]; onChange: (message: string) => void }) {
  const [editingId, setEditingId] = useState<string>();
  const [action, setAction] = useState<PendingAction>();
  const table = useRef<HTMLTableElement>(null);
  const lastEdited = useRef<string>(undefined);

  // back from editing: focus returns to that row's "Edit roles"
  useEffect(() => {
    if (editingId !== undefined || lastEdited.current === undefined) return;
    table.current?.querySelector<HTMLElement>(`[data-edit-roles="${lastEdited.current}"]`)?.focus();
    lastEdited.current = undefined;
  }, [editingId]);

  return (
    <>
      <div className="table-scroll">
        <table ref={table} className="users-table">
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Name</th>
              <th scope="col">Roles</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id}>
                <th scope="row" className="email-cell">
                  {user.email}
                </th>
                <td>{user.name}</td>
                <td>
                  {editingId === user.id ? (
                    <RoleEditor
                      user={user}
                      onDone={(message) => {
                        lastEdited.current = user.id;
                        setEditingId(undefined);
                        if (message) onChange(message);
                      }}
                    />
                  ) : (
                    <RoleBadges roles={user.roles} />
                  )}
                </td>
                <td className="date-cell">{formatDate(user.createdAt)}</td>
                <td className="actions-cell">
                  <div className="row-actions">
                    <button
                      type="button"
                      className="button secondary small"
                      data-edit-roles={user.id}
                      aria-label={`Edit roles of ${user.email}`}
                      disabled={editingId === user.id}
                      onClick={() => {
                        setEditingId(user.id);
                      }}
                    >
                      Edit roles
                    </button>
                    <button
                      type="button"
                      className="button secondary small"
                      aria-label={`End sessions of ${user.email}`}
                      onClick={() => {
                        setAction({ kind: "revoke", user });
                      }}
                    >
                      End sessions
                    </button>
                    <button
                      type="button"
                      className="button danger small"
                      aria-label={`Delete ${user.email}`}
                      onClick={() => {
                        setAction({ kind: "delete", user });
                      }}
                    >
                      Delete
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {action?.kind === "revoke" && (
        <RevokeSessionsDialog
          user={action.user}
          onClose={(message) => {
            setAction(undefined);
            if (message) onChange(message);
          }}
        />
      )}
      {action?.kind === "delete" && (
        <DeleteUserDialog
          user={action.user}
          onClose={(message) => {
            setAction(undefined);
            if (message) onChange(message);
          }}
        />
      )}
    </>
  );
}

interface ActionDialogProps {
  user: ListedUser;
  /** With a message when the action was taken. */
  onClose: (message?: string) => void;
}

function RevokeSessionsDialog({ user, onClose }: ActionDialogProps) {
  const trpc = useTRPC();
  const revoke = useMutation(
    trpc.users.revokeSessions.mutationOptions({
      onSuccess: ({ revokedSessions }) => {
        onClose(`Ended ${revokedSessions} session${revokedSessions === 1 ? "" : "s"} of ${user.email}.`);
      },
    }),
  );
  return (
    <ConfirmDialog
      title="End every session?"
      confirmLabel="End sessions"
      pendingLabel="Ending sessions…"
      isPending={revoke.isPending}
      problem={revoke.error ? errorsFromApi(revoke.error, []).form : undefined}
      onConfirm={() => {
        revoke.mutate({ id: user.id });
      }}
      onCancel={() => {
        onClose();
      }}
    >
      <p>
        <strong>{user.email}</strong> will be signed out on every device at their next request, and will have to sign in
        again.
      </p>
    </ConfirmDialog>
  );
}

function DeleteUserDialog({ user, onClose }: ActionDialogProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(
    trpc.users.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
        onClose(`Deleted ${user.email}.`);
      },
    }),
  );
  return (
    <ConfirmDialog
      title="Delete this user?"
      confirmLabel="Delete user"
      pendingLabel="Deleting…"
      isPending={remove.isPending}
      problem={remove.error ? errorsFromApi(remove.error, []).form : undefined}
      onConfirm={() => {
        remove.mutate({ id: user.id });
      }}
      onCancel={() => {
        onClose();
      }}
    >
      <p>
        The account of <strong>{user.email}</strong> and all its sessions will be deleted. This cannot be undone.
      </p>
    </ConfirmDialog>
  );
}
