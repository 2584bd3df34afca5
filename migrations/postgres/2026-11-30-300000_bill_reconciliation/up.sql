-- Operator bill reconciliation: finance uploads an operator's monthly bill
-- detail and the portal compares it with that month's billing lines on the
-- operator. The totals and every differing number are kept, so a result can
-- be seen again and exported; matching numbers are only counted.

CREATE TABLE bill_reconciliations (
  id SERIAL PRIMARY KEY,
  operator TEXT NOT NULL,
  month TEXT NOT NULL,
  file_name TEXT NOT NULL,
  uploaded_by INTEGER NOT NULL REFERENCES users(id),
  uploaded_at TIMESTAMP NOT NULL,
  bill_numbers BIGINT NOT NULL,
  bill_kurus BIGINT NOT NULL,
  portal_numbers BIGINT NOT NULL,
  portal_kurus BIGINT NOT NULL,
  matched BIGINT NOT NULL,
  extra BIGINT NOT NULL,
  extra_kurus BIGINT NOT NULL,
  missing BIGINT NOT NULL,
  missing_kurus BIGINT NOT NULL,
  differing BIGINT NOT NULL,
  difference_kurus BIGINT NOT NULL
);
CREATE INDEX bill_reconciliations_uploaded ON bill_reconciliations (uploaded_at);

-- kind: extra (billed, not active here), missing (active here, not billed),
-- amount (both, another amount). Amounts in kuruş; NULL where the side has
-- no such number.
CREATE TABLE bill_reconciliation_lines (
  id SERIAL PRIMARY KEY,
  reconciliation_id INTEGER NOT NULL REFERENCES bill_reconciliations(id),
  kind TEXT NOT NULL,
  phone TEXT NOT NULL,
  bill_kurus BIGINT,
  portal_kurus BIGINT,
  request_id INTEGER REFERENCES requests(id),
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX bill_reconciliation_lines_of ON bill_reconciliation_lines (reconciliation_id, id);
