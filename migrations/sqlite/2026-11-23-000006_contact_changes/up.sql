-- Contact changes made by staff (or officers for them), and on-screen
-- notices to users (e-mail follows with the mail issue).

CREATE TABLE contact_changes (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  staff_id INTEGER NOT NULL REFERENCES staff(id),
  at TIMESTAMP NOT NULL,
  actor_id INTEGER NOT NULL REFERENCES users(id),
  old_phone TEXT NOT NULL,
  new_phone TEXT NOT NULL,
  old_operator TEXT NOT NULL,
  new_operator TEXT NOT NULL,
  old_line_type TEXT NOT NULL,
  new_line_type TEXT NOT NULL,
  old_has_signature BOOLEAN NOT NULL,
  new_has_signature BOOLEAN NOT NULL,
  kinds TEXT NOT NULL,
  invalidated_request_id INTEGER REFERENCES requests(id)
);
CREATE INDEX contact_changes_staff ON contact_changes (staff_id, id);

CREATE TABLE notices (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  at TIMESTAMP NOT NULL,
  text TEXT NOT NULL,
  link TEXT NOT NULL,
  -- Reminders carry a key so that each is given once, however often a job runs.
  dedupe_key TEXT UNIQUE
);
CREATE INDEX notices_user ON notices (user_id, id);
