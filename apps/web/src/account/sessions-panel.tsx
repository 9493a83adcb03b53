// The caller's live sessions (auth.sessions.*): end one of the others, or all of them at once.
// The current session ends with "Sign out" in the header, like everywhere else in the app.
import type { RouterOutputs } from "@platform/client";
import { useTRPC } from "@platform/react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { describeUserAgent, formatDateTime } from "../components/format.js";
import { FormAlert, StatusMessage } from "../forms/form-alert.js";
import { errorsFromApi } from "../forms/form-errors.js";

type LiveSession = RouterOutputs["auth"]["sessions"]["list"][number];

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

export function SessionsPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sessions = useQuery(trpc.auth.sessions.list.queryOptions());
  const [status, setStatus] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const settled = {
    onError: (error: unknown) => {
      setStatus(undefined);
      setProblem(errorsFromApi(error, []).form);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.auth.sessions.list.queryKey() }),
  };
  const revoke = useMutation(
    trpc.auth.sessions.revoke.mutationOptions({
      ...settled,
      onSuccess: () => {
        setProblem(undefined);
        setStatus("The session was ended.");
      },
    }),
  );
  const revokeOthers = useMutation(
    trpc.auth.sessions.revokeOthers.mutationOptions({
      ...settled,
      onSuccess: ({ revokedSessions }) => {
        setProblem(undefined);
        setStatus(`${plural(revokedSessions, "other session was", "other sessions were")} ended.`);
      },
    }),
  );

  const others = sessions.data?.filter((session) => !session.isCurrent) ?? [];
  return (
    <section className="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Where you are signed in</h2>
      <p className="muted">Ending a session signs that device out at its next request.</p>
      <FormAlert message={problem ?? (sessions.error ? errorsFromApi(sessions.error, []).form : undefined)} />
      <StatusMessage message={status} />
      {sessions.isPending ? (
        <p className="muted">Loading your sessions…</p>
      ) : (
        <ul className="session-list">
          {sessions.data?.map((session) => (
            <SessionItem
              key={session.id}
              session={session}
              isEnding={revoke.isPending && revoke.variables.id === session.id}
              onEnd={() => {
                revoke.mutate({ id: session.id });
              }}
            />
          ))}
        </ul>
      )}
      {others.length > 0 && (
        <button
          type="button"
          className="button secondary"
          disabled={revokeOthers.isPending}
          onClick={() => {
            revokeOthers.mutate();
          }}
        >
          {revokeOthers.isPending ? "Ending other sessions…" : "End all other sessions"}
        </button>
      )}
    </section>
  );
}

function SessionItem({ session, isEnding, onEnd }: { session: LiveSession; isEnding: boolean; onEnd: () => void }) {
  const device = describeUserAgent(session.userAgent);
  return (
    <li className="session">
      <div>
        <p className="session-device">
          {device}
          {session.isCurrent && <span className="badge">This device</span>}
        </p>
        <p className="muted small">
          Signed in {formatDateTime(session.createdAt)} · last active {formatDateTime(session.lastUsedAt)}
          {session.ip ? ` · ${session.ip}` : ""}
        </p>
      </div>
      {!session.isCurrent && (
        <button
          type="button"
          className="button secondary small"
          disabled={isEnding}
          aria-label={`End session on ${device}, signed in ${formatDateTime(session.createdAt)}`}
          onClick={onEnd}
        >
          {isEnding ? "Ending…" : "End session"}
        </button>
      )}
    </li>
  );
}
