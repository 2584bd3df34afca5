-- Staff registry, mobile-signature requests with their history, Kamu SM
-- batches and spreadsheet imports awaiting confirmation.

CREATE TABLE staff (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  tckn TEXT NOT NULL UNIQUE,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  sicil_no TEXT NOT NULL,
  title TEXT NOT NULL,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  email TEXT NOT NULL UNIQUE,
  phone TEXT NOT NULL,
  operator TEXT NOT NULL,
  line_type TEXT NOT NULL,
  has_signature BOOLEAN NOT NULL DEFAULT 0,
  -- Turkish lower-case "ad soyad" for search (istanbul finds İSTANBUL).
  search_name TEXT NOT NULL,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL
);
CREATE INDEX staff_unit ON staff (unit_id);

CREATE TABLE batches (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  created_at TIMESTAMP NOT NULL,
  created_by INTEGER NOT NULL REFERENCES users(id)
);

CREATE TABLE requests (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  staff_id INTEGER NOT NULL REFERENCES staff(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  state TEXT NOT NULL,
  reason TEXT NOT NULL,
  note TEXT NOT NULL,
  kvkk_ack BOOLEAN NOT NULL,
  -- The line the signature is for, as it was when the request was filed.
  phone TEXT NOT NULL,
  operator TEXT NOT NULL,
  line_type TEXT NOT NULL,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  submitted_at TIMESTAMP,
  version INTEGER NOT NULL DEFAULT 0,
  batch_id INTEGER REFERENCES batches(id),
  form_emailed_at TIMESTAMP,
  form_signed_at TIMESTAMP,
  docs_way TEXT,
  docs_ref TEXT,
  docs_sent_at TIMESTAMP,
  docs_received_at TIMESTAMP,
  sms_at TIMESTAMP,
  produced_at TIMESTAMP,
  certificate_serial TEXT,
  activated_at TIMESTAMP,
  valid_until TIMESTAMP,
  not_mine_at TIMESTAMP,
  flagged BOOLEAN NOT NULL DEFAULT 0,
  -- One form submission creates one request (double clicks, retries).
  form_token TEXT UNIQUE
);
CREATE INDEX requests_state_id ON requests (state, id);
CREATE INDEX requests_unit_state ON requests (unit_id, state, id);
CREATE INDEX requests_staff ON requests (staff_id);
CREATE INDEX requests_batch ON requests (batch_id);
-- At most one open request per staff member, whatever the application does.
CREATE UNIQUE INDEX requests_one_open ON requests (staff_id)
  WHERE state IN ('draft', 'submitted', 'returned', 'approved', 'forwarded', 'sms_hold', 'produced');

CREATE TABLE request_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  request_id INTEGER NOT NULL REFERENCES requests(id),
  at TIMESTAMP NOT NULL,
  actor_id INTEGER REFERENCES users(id),
  action TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  note TEXT NOT NULL
);
CREATE INDEX request_history_request ON request_history (request_id, id);

CREATE TABLE imports (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  file_name TEXT NOT NULL,
  rows_json TEXT NOT NULL,
  created_at TIMESTAMP NOT NULL,
  committed_at TIMESTAMP
);
