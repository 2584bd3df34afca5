-- The audit log becomes evidence: each row is sealed (hash = HMAC-SHA256 over
-- its content and the previous row's hash, computed by the portal with its
-- key), and rows can no longer be changed, deleted or truncated. Rows already
-- here keep an empty hash; the portal seals them at first start with an
-- `audit.sealed` row (see src/domain/audit_chain.rs). From now on the portal
-- numbers rows itself (last id + 1, under an advisory lock), so the ids have
-- no gaps.

ALTER TABLE audit_log
  ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '',
  ADD COLUMN hash TEXT NOT NULL DEFAULT '';

-- The viewer's filters.
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_target ON audit_log (target, id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'denetim kaydı değiştirilemez ya da silinemez: audit_log yalnızca eklenebilir (%)', TG_OP;
END;
$$;

CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
