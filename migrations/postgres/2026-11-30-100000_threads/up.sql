-- "İstek bildir": questions and notices from officers and staff to the
-- e-İmza Şefliği, each a thread of messages with a state (open, answered,
-- closed) and an optional assignee among the reviewers.

CREATE TABLE threads (
  id SERIAL PRIMARY KEY,
  asker_id INTEGER NOT NULL REFERENCES users(id),
  -- The unit whose officers see the thread; NULL for a staff member
  -- without a staff record (only they and the reviewers see it).
  unit_id INTEGER REFERENCES units(id),
  category TEXT NOT NULL,
  subject TEXT NOT NULL,
  request_id INTEGER REFERENCES requests(id),
  staff_id INTEGER REFERENCES staff(id),
  state TEXT NOT NULL,
  assignee_id INTEGER REFERENCES users(id),
  -- Subject and asker's name, Turkish-folded, for the inbox search.
  search_key TEXT NOT NULL,
  message_count INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  -- One form submission opens one thread (double clicks, retries).
  form_token TEXT UNIQUE
);
CREATE INDEX threads_state_id ON threads (state, id);
CREATE INDEX threads_unit_id ON threads (unit_id, id);
CREATE INDEX threads_asker_id ON threads (asker_id, id);
CREATE INDEX threads_assignee_id ON threads (assignee_id, id);
CREATE INDEX threads_request ON threads (request_id);

CREATE TABLE thread_messages (
  id SERIAL PRIMARY KEY,
  thread_id INTEGER NOT NULL REFERENCES threads(id),
  author_id INTEGER NOT NULL REFERENCES users(id),
  -- Written for the e-İmza Şefliği (a reviewer's answer), else by the
  -- asking side.
  from_reviewer BOOLEAN NOT NULL,
  body TEXT NOT NULL,
  search_key TEXT NOT NULL,
  created_at TIMESTAMP NOT NULL
);
CREATE INDEX thread_messages_thread ON thread_messages (thread_id, id);
