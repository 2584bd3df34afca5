DROP TABLE fee_accruals;
ALTER TABLE requests DROP COLUMN payer_exception;
DROP TABLE monthly_tariffs;
DROP TABLE certificate_fees;
DROP TABLE kdv_rates;
