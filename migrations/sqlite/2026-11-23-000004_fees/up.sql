-- Money (integer kuruş, never floating point): dated KDV rates, certificate
-- fees per operator, monthly tariffs per operator and line type, and the
-- certificate fee accrued when a request is marked produced.

CREATE TABLE kdv_rates (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  valid_from DATE NOT NULL UNIQUE,
  valid_to DATE,
  rate_bp INTEGER NOT NULL,
  legal_ref TEXT NOT NULL
);
INSERT INTO kdv_rates (valid_from, valid_to, rate_bp, legal_ref) VALUES
  ('2000-01-01', '2023-07-09', 1800, 'Genel KDV oranı %18'),
  ('2023-07-10', NULL, 2000, 'Cumhurbaşkanı Kararı 7346, RG 07.07.2023 sayı 32241: genel oran %20');

CREATE TABLE certificate_fees (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  operator TEXT NOT NULL,
  valid_from DATE NOT NULL,
  valid_to DATE,
  net_kurus BIGINT NOT NULL,
  years INTEGER NOT NULL,
  UNIQUE (operator, valid_from)
);
INSERT INTO certificate_fees (operator, valid_from, valid_to, net_kurus, years) VALUES
  ('turkcell', '2000-01-01', NULL, 6500, 3),
  ('vodafone', '2000-01-01', NULL, 6500, 3),
  ('turk_telekom', '2000-01-01', NULL, 6500, 3);

CREATE TABLE monthly_tariffs (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  operator TEXT NOT NULL,
  line_type TEXT NOT NULL,
  valid_from DATE NOT NULL,
  valid_to DATE,
  list_kurus BIGINT NOT NULL,
  billed_kurus BIGINT NOT NULL,
  UNIQUE (operator, line_type, valid_from)
);
INSERT INTO monthly_tariffs (operator, line_type, valid_from, valid_to, list_kurus, billed_kurus) VALUES
  ('turkcell', 'faturali', '2000-01-01', NULL, 800, 400);

ALTER TABLE requests ADD COLUMN payer_exception TEXT;

CREATE TABLE fee_accruals (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  request_id INTEGER NOT NULL UNIQUE REFERENCES requests(id),
  staff_id INTEGER NOT NULL REFERENCES staff(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  operator TEXT NOT NULL,
  accrued_on DATE NOT NULL,
  net_kurus BIGINT NOT NULL,
  kdv_bp INTEGER NOT NULL,
  kdv_kurus BIGINT NOT NULL,
  gross_kurus BIGINT NOT NULL,
  payer TEXT NOT NULL,
  exception_reason TEXT,
  invoice_no TEXT,
  invoice_date DATE,
  paid_on DATE,
  created_at TIMESTAMP NOT NULL
);
CREATE INDEX fee_accruals_accrued ON fee_accruals (accrued_on, id);
CREATE INDEX fee_accruals_staff ON fee_accruals (staff_id, accrued_on);
