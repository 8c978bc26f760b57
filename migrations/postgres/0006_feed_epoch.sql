-- Names this database's change log. A client that resumes with another epoch (the database
-- was replaced or restored from a backup) reloads its data instead of trusting sequence
-- numbers that now mean other changes. Filled in on first start.
CREATE TABLE feed_epoch (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    epoch TEXT    NOT NULL
);
