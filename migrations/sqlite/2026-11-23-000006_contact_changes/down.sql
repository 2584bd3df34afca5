DROP TABLE notices;
DROP TABLE contact_changes;
