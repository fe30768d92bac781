INSERT INTO s.t (a, "b") VALUES (1, 'x'), (-2.5, NULL), (.5, 'it''s'), (TRUE, DEFAULT);
