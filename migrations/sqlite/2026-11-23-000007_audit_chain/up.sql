-- The audit log becomes evidence: each row is sealed (hash = HMAC-SHA256 over
-- its content and the previous row's hash, computed by the portal with its
-- key), and rows can no longer be changed or deleted. Rows already here keep
-- an empty hash; the portal seals them at first start with an
-- `audit.sealed` row (see src/domain/audit_chain.rs).

ALTER TABLE audit_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';

-- The viewer's filters.
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_target ON audit_log (target, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'denetim kaydı değiştirilemez: audit_log yalnızca eklenebilir');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'denetim kaydı silinemez: audit_log yalnızca eklenebilir');
END;
