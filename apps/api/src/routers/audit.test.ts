import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import type { AuditAction } from "../audit-log.js";
import { useTestHarness } from "../test-support/hooks.js";

const h = useTestHarness();

const adminToken = async () => (await h.createSignedInUser({ roles: ["admin", "user"] })).token;
/** An id no other test's events carry (audit events have no foreign keys). */
const uniqueId = (label: string) => `${label}-${randomUUID()}`;
const at = (time: string) => new Date(`2026-01-01T${time}:00Z`);

interface StoredEvent {
  action?: AuditAction;
  outcome?: "success" | "failure";
  actorId?: string;
  subjectId?: string;
  createdAt?: Date;
}

/** Writes events as the procedures would have, at the times the test chooses; their ids in order. */
async function store(...events: StoredEvent[]): Promise<string[]> {
  const ids = [];
  for (const { action = "sign_in", outcome = "success", ...rest } of events) {
    const { id } = await h.deps.prisma.auditEvent.create({ data: { action, outcome, ...rest }, select: { id: true } });
    ids.push(id);
  }
  return ids;
}

/** Every page of the list, following nextCursor. */
async function allPages(token: string, input: { limit: number; subjectId?: string }) {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await h.caller(token).audit.list({ ...input, ...(cursor ? { cursor } : {}) });
    pages.push(page.items.map((event) => event.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return pages;
}

describe("audit.list", () => {
  it("is for admins only: UNAUTHORIZED without a session, FORBIDDEN for any other role", async () => {
    await expect(h.caller().audit.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    for (const roles of [["user"], ["user", "support"]]) {
      const { token } = await h.createSignedInUser({ roles });
      await expect(h.caller(token).audit.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
  });

  it("lists newest first, and filters by subjectId", async () => {
    const subjectId = uniqueId("subject");
    const [early, late, middle] = await store(
      { subjectId, createdAt: at("10:00") },
      { subjectId, createdAt: at("12:00") },
      { subjectId, createdAt: at("11:00") },
      { subjectId: uniqueId("someone-else"), createdAt: at("11:30") },
    );
    const { items, nextCursor } = await h.caller(await adminToken()).audit.list({ subjectId });
    expect(items.map((event) => event.id)).toEqual([late, middle, early]);
    expect(nextCursor).toBeNull();
  });

  it("filters by actorId", async () => {
    const actorId = uniqueId("actor");
    const [mine] = await store({ actorId }, { actorId: uniqueId("another-actor") }, { subjectId: actorId });
    const { items } = await h.caller(await adminToken()).audit.list({ actorId });
    expect(items.map((event) => event.id)).toEqual([mine]);
  });

  it("filters by action and by outcome, alone and together", async () => {
    const actorId = uniqueId("actor");
    const [failedSignIn, signIn, failedChange] = await store(
      { actorId, action: "sign_in", outcome: "failure", createdAt: at("10:00") },
      { actorId, action: "sign_in", outcome: "success", createdAt: at("11:00") },
      { actorId, action: "password_change", outcome: "failure", createdAt: at("12:00") },
    );
    const token = await adminToken();
    const ids = async (filters: { action?: AuditAction; outcome?: "success" | "failure" }) =>
      (await h.caller(token).audit.list({ actorId, ...filters })).items.map((event) => event.id);
    expect(await ids({ action: "sign_in" })).toEqual([signIn, failedSignIn]);
    expect(await ids({ outcome: "failure" })).toEqual([failedChange, failedSignIn]);
    expect(await ids({ action: "sign_in", outcome: "failure" })).toEqual([failedSignIn]);

    const failures = await h.caller(token).audit.list({ action: "sign_in", outcome: "failure" });
    expect(failures.items.map((event) => event.id)).toContain(failedSignIn);
    expect(failures.items.every((event) => event.action === "sign_in" && event.outcome === "failure")).toBe(true);
  });

  it("filters by time: since is inclusive, until exclusive, and they combine", async () => {
    const subjectId = uniqueId("subject");
    const [ten, eleven, noon] = await store(
      { subjectId, createdAt: at("10:00") },
      { subjectId, createdAt: at("11:00") },
      { subjectId, createdAt: at("12:00") },
    );
    const token = await adminToken();
    const ids = async (range: { since?: Date; until?: Date }) =>
      (await h.caller(token).audit.list({ subjectId, ...range })).items.map((event) => event.id);
    expect(await ids({ since: at("11:00") })).toEqual([noon, eleven]);
    expect(await ids({ until: at("11:00") })).toEqual([ten]);
    expect(await ids({ since: at("10:00"), until: at("12:00") })).toEqual([eleven, ten]);
    expect(await ids({ since: at("12:01") })).toEqual([]);
  });

  it("pages with nextCursor: each event once, in order, and no cursor after the last page", async () => {
    const subjectId = uniqueId("subject");
    const ids = await store(
      ...["10:00", "10:01", "10:02", "10:03", "10:04"].map((time) => ({ subjectId, createdAt: at(time) })),
    );
    const pages = await allPages(await adminToken(), { subjectId, limit: 2 });
    expect(pages).toEqual([ids.slice(3).reverse(), ids.slice(1, 3).reverse(), ids.slice(0, 1)]);
  });

  it("pages through events written at the same moment without skipping or repeating one", async () => {
    const subjectId = uniqueId("subject");
    const ids = await store(...Array.from({ length: 5 }, () => ({ subjectId, createdAt: at("10:00") })));
    const pages = await allPages(await adminToken(), { subjectId, limit: 2 });
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat().sort()).toEqual([...ids].sort());
  });

  it("pages through the whole trail, every event exactly once", async () => {
    await store({ createdAt: at("09:00") }, { createdAt: at("09:01") }, { createdAt: at("09:02") });
    const pages = await allPages(await adminToken(), { limit: 2 });
    const seen = pages.flat();
    expect(pages.length).toBeGreaterThan(1);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(await h.deps.prisma.auditEvent.count());
  });

  it("rejects an unknown action, a bad limit or an unknown key with BAD_REQUEST", async () => {
    const token = await adminToken();
    for (const input of [{ action: "made_up" }, { limit: 0 }, { limit: 201 }, { cursor: "" }, { actor: "x" }]) {
      await expect(h.caller(token).audit.list(input as never)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
  });
});
