-- Cover letters ("üst yazı"): an officer sends the operator documents of
-- several requests of one unit to the e-İmza Şefliği with one official
-- letter. The letter keeps what it printed (heading, signer) as it was on
-- the day; its lines are the requests, whose staff names are read live (so
-- KVKK anonymisation reaches the letter too).

-- Per-unit letter settings, edited by admins on the unit form; empty text
-- means "use the portal's default" (domain::cover_letter).
CREATE TABLE unit_letter_settings (
  unit_id INTEGER PRIMARY KEY NOT NULL REFERENCES units(id),
  heading TEXT NOT NULL DEFAULT '',
  signer_name TEXT NOT NULL DEFAULT '',
  signer_title TEXT NOT NULL DEFAULT '',
  number_prefix TEXT NOT NULL DEFAULT '',
  updated_at TIMESTAMP NOT NULL
);

CREATE TABLE cover_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  -- The unit's yearly running number (year of letter_date).
  year INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  -- The sayı as printed (prefix + running number, or as the officer typed it).
  number TEXT NOT NULL,
  letter_date DATE NOT NULL,
  subject TEXT NOT NULL,
  documents TEXT NOT NULL,
  heading TEXT NOT NULL,
  signer_name TEXT NOT NULL,
  signer_title TEXT NOT NULL,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at TIMESTAMP NOT NULL,
  UNIQUE (unit_id, year, seq),
  UNIQUE (unit_id, year, number)
);

CREATE TABLE cover_letter_requests (
  letter_id INTEGER NOT NULL REFERENCES cover_letters(id),
  -- A request's documents are sent once: it is on one letter at most.
  request_id INTEGER NOT NULL UNIQUE REFERENCES requests(id),
  position INTEGER NOT NULL,
  PRIMARY KEY (letter_id, request_id)
);
