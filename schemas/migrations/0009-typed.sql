-- The batch store, version 9: what a person typed for a field, as the book writes it.
--
-- fields.typed: the text an archivist typed when setting the field in the review ("5/3/1990"
-- for the value 1990-03-05), kept beside the canonical value it made; NULL when the value is
-- the machine's or was keyed (the keyings table holds each keyed text). The training set of
-- the recognizer (`sohoa export --format training`) pairs it with the field's image.

ALTER TABLE fields ADD COLUMN typed TEXT;
