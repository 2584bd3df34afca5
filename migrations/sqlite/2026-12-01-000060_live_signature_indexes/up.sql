-- A month's active signatures counted per operator and line type from
-- indexes alone (the finance home page does this on every view): those
-- still running, and those that ended since the month began.
CREATE INDEX requests_live ON requests (operator, line_type, activated_at)
    WHERE ended_at IS NULL AND activated_at IS NOT NULL;
CREATE INDEX requests_ended ON requests (ended_at, operator, line_type, activated_at)
    WHERE ended_at IS NOT NULL;
