DROP TABLE cover_letter_requests;
DROP TABLE cover_letters;
DROP TABLE unit_letter_settings;
