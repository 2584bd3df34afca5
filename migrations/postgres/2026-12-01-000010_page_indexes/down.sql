DROP INDEX fee_accruals_sums;
DROP INDEX requests_staff_state;
CREATE INDEX requests_staff ON requests (staff_id);
DROP INDEX requests_flagged_unit;
DROP INDEX requests_state_sms;
