DROP TABLE reset_attempts;
DROP TABLE password_resets;
DROP TABLE mail_prefs;
DROP TABLE outbox;
