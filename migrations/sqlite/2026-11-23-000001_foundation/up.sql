-- Foundation: organisation (provinces, units), accounts, sessions, login
-- throttling, audit log and settings. Times are UTC (TIMESTAMP without zone).

CREATE TABLE provinces (
  id INTEGER PRIMARY KEY NOT NULL,
  name TEXT NOT NULL UNIQUE
);

CREATE TABLE units (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  province_id INTEGER NOT NULL REFERENCES provinces(id),
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  active BOOLEAN NOT NULL DEFAULT 1,
  created_at TIMESTAMP NOT NULL,
  UNIQUE (province_id, name)
);

CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  active BOOLEAN NOT NULL DEFAULT 1,
  is_demo BOOLEAN NOT NULL DEFAULT 0,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL
);

CREATE TABLE user_roles (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  PRIMARY KEY (user_id, role)
);

CREATE TABLE user_units (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  PRIMARY KEY (user_id, unit_id)
);
CREATE INDEX user_units_unit ON user_units (unit_id);

-- Server-side sessions: the cookie carries a random token, this table its
-- SHA-256, so logout and password change can end sessions everywhere.
CREATE TABLE sessions (
  id TEXT PRIMARY KEY NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TIMESTAMP NOT NULL,
  last_seen_at TIMESTAMP NOT NULL,
  ip TEXT NOT NULL,
  user_agent TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Every login attempt, keyed by the e-mail as typed (known or not) and the IP.
CREATE TABLE login_attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  email TEXT NOT NULL,
  ip TEXT NOT NULL,
  at TIMESTAMP NOT NULL,
  success BOOLEAN NOT NULL
);
CREATE INDEX login_attempts_email_at ON login_attempts (email, at);
CREATE INDEX login_attempts_ip_at ON login_attempts (ip, at);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  at TIMESTAMP NOT NULL,
  actor_id INTEGER REFERENCES users(id),
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL,
  ip TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE settings (
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
);

-- The 81 provinces, by plate code (Turkish spelling).
INSERT INTO provinces (id, name) VALUES
  (1, 'Adana'),
  (2, 'Adıyaman'),
  (3, 'Afyonkarahisar'),
  (4, 'Ağrı'),
  (5, 'Amasya'),
  (6, 'Ankara'),
  (7, 'Antalya'),
  (8, 'Artvin'),
  (9, 'Aydın'),
  (10, 'Balıkesir'),
  (11, 'Bilecik'),
  (12, 'Bingöl'),
  (13, 'Bitlis'),
  (14, 'Bolu'),
  (15, 'Burdur'),
  (16, 'Bursa'),
  (17, 'Çanakkale'),
  (18, 'Çankırı'),
  (19, 'Çorum'),
  (20, 'Denizli'),
  (21, 'Diyarbakır'),
  (22, 'Edirne'),
  (23, 'Elazığ'),
  (24, 'Erzincan'),
  (25, 'Erzurum'),
  (26, 'Eskişehir'),
  (27, 'Gaziantep'),
  (28, 'Giresun'),
  (29, 'Gümüşhane'),
  (30, 'Hakkari'),
  (31, 'Hatay'),
  (32, 'Isparta'),
  (33, 'Mersin'),
  (34, 'İstanbul'),
  (35, 'İzmir'),
  (36, 'Kars'),
  (37, 'Kastamonu'),
  (38, 'Kayseri'),
  (39, 'Kırklareli'),
  (40, 'Kırşehir'),
  (41, 'Kocaeli'),
  (42, 'Konya'),
  (43, 'Kütahya'),
  (44, 'Malatya'),
  (45, 'Manisa'),
  (46, 'Kahramanmaraş'),
  (47, 'Mardin'),
  (48, 'Muğla'),
  (49, 'Muş'),
  (50, 'Nevşehir'),
  (51, 'Niğde'),
  (52, 'Ordu'),
  (53, 'Rize'),
  (54, 'Sakarya'),
  (55, 'Samsun'),
  (56, 'Siirt'),
  (57, 'Sinop'),
  (58, 'Sivas'),
  (59, 'Tekirdağ'),
  (60, 'Tokat'),
  (61, 'Trabzon'),
  (62, 'Tunceli'),
  (63, 'Şanlıurfa'),
  (64, 'Uşak'),
  (65, 'Van'),
  (66, 'Yozgat'),
  (67, 'Zonguldak'),
  (68, 'Aksaray'),
  (69, 'Bayburt'),
  (70, 'Karaman'),
  (71, 'Kırıkkale'),
  (72, 'Batman'),
  (73, 'Şırnak'),
  (74, 'Bartın'),
  (75, 'Ardahan'),
  (76, 'Iğdır'),
  (77, 'Yalova'),
  (78, 'Karabük'),
  (79, 'Kilis'),
  (80, 'Osmaniye'),
  (81, 'Düzce');
