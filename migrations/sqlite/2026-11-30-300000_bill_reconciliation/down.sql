DROP TABLE bill_reconciliation_lines;
DROP TABLE bill_reconciliations;
