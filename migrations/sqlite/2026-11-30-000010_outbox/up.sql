-- E-mail: the outbox (written in the transaction of the change that causes a
-- message, delivered by the worker in `serve`), per-user mail preferences,
-- password-reset tokens and the reset-request log used for throttling.

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  created_at TIMESTAMP NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  body_text TEXT NOT NULL,
  body_html TEXT NOT NULL,
  kind TEXT NOT NULL,
  request_id INTEGER REFERENCES requests(id),
  -- Digests and reminders carry a key, so each is queued once.
  dedupe_key TEXT UNIQUE,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TIMESTAMP NOT NULL,
  -- A worker's lease on the row; past it, the row is due again.
  claimed_until TIMESTAMP,
  sent_at TIMESTAMP,
  failed_at TIMESTAMP,
  last_error TEXT,
  message_id TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

CREATE TABLE mail_prefs (
  user_id INTEGER PRIMARY KEY NOT NULL REFERENCES users(id),
  digest BOOLEAN NOT NULL
);

CREATE TABLE password_resets (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  -- SHA-256 (hex) of the token in the link.
  token_hash TEXT NOT NULL UNIQUE,
  created_at TIMESTAMP NOT NULL,
  expires_at TIMESTAMP NOT NULL,
  used_at TIMESTAMP
);

CREATE TABLE reset_attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  email TEXT NOT NULL,
  ip TEXT NOT NULL,
  at TIMESTAMP NOT NULL
);
CREATE INDEX reset_attempts_email ON reset_attempts (email, at);
CREATE INDEX reset_attempts_ip ON reset_attempts (ip, at);
