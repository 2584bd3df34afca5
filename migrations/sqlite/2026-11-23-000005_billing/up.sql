-- Monthly billing: one line per signature active on any day of a month on a
-- line with a defined tariff. A run replaces the month's lines (idempotent)
-- until finance closes the month.

-- When a signature stopped being active (invalidated, expired, revoked).
ALTER TABLE requests ADD COLUMN ended_at TIMESTAMP;
CREATE INDEX requests_activated ON requests (activated_at);

CREATE TABLE billing_months (
  month TEXT PRIMARY KEY NOT NULL,
  run_at TIMESTAMP NOT NULL,
  run_by INTEGER REFERENCES users(id),
  closed_at TIMESTAMP,
  closed_by INTEGER REFERENCES users(id)
);

CREATE TABLE billing_lines (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  month TEXT NOT NULL REFERENCES billing_months(month),
  request_id INTEGER NOT NULL REFERENCES requests(id),
  staff_id INTEGER NOT NULL REFERENCES staff(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  operator TEXT NOT NULL,
  line_type TEXT NOT NULL,
  list_kurus BIGINT NOT NULL,
  billed_kurus BIGINT NOT NULL,
  started BOOLEAN NOT NULL DEFAULT 0,
  stopped BOOLEAN NOT NULL DEFAULT 0,
  UNIQUE (month, request_id)
);
