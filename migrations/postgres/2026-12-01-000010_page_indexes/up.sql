-- The queue's "SMS hold ending within the hour" line counts holds by the time
-- the SMS went out: with (state, sms_at) the count reads the index alone
-- instead of looking up every held request's row.
CREATE INDEX requests_state_sms ON requests (state, sms_at);
-- The flagged count of a province's or a unit's queue, from the index alone.
CREATE INDEX requests_flagged_unit ON requests (flagged, unit_id);
-- A name search pages and counts (by state, and flagged) a staff member's
-- requests from the index alone.
DROP INDEX requests_staff;
CREATE INDEX requests_staff_state ON requests (staff_id, state, flagged);
-- The fee report's totals by unit and operator, summed from the index alone
-- in its order (no sort, no row reads).
CREATE INDEX fee_accruals_sums ON fee_accruals (unit_id, operator, net_kurus, kdv_kurus, gross_kurus);
