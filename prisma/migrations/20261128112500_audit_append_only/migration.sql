-- The audit trail is append-only, enforced by the database rather than by convention: a row can
-- be inserted, never changed or removed, whoever connects (the API, a script, a console). The
-- table has no foreign keys (events outlive their users), so deleting a user needs no exception.
-- Retention or a legal erasure is an operator's deliberate act, as the table's owner:
--   ALTER TABLE audit_events DISABLE TRIGGER USER; ...; ALTER TABLE audit_events ENABLE TRIGGER USER;
-- Prisma's schema does not describe triggers, so `prisma migrate diff` does not see them.
CREATE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP;
END
$$;

CREATE TRIGGER "audit_events_no_update_or_delete"
  BEFORE UPDATE OR DELETE ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION "audit_events_append_only"();

CREATE TRIGGER "audit_events_no_truncate"
  BEFORE TRUNCATE ON "audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"();
