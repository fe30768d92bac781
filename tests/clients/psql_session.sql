CREATE TABLE audit (id BIGINT PRIMARY KEY, actor TEXT NOT NULL, amount NUMERIC(10,2), at DATE);
INSERT INTO audit VALUES (1, 'ann', 10.50, '2024-05-01'), (2, 'bob', 20, '2024-05-02');
INSERT INTO audit VALUES (3, 'cy', NULL, NULL);
SELECT * FROM audit ORDER BY id;
SELECT actor, amount * 2 AS doubled FROM audit WHERE amount IS NOT NULL ORDER BY actor;
INSERT INTO audit VALUES (1, 'again', 0, NULL);
INSERT INTO audit (id) VALUES (4);
SELEC 1;
SELECT * FROM missing;
UPDATE audit SET amount = 0;
BEGIN;
INSERT INTO audit VALUES (5, 'dee', 5, NULL);
SELECT count(*) FROM audit;
COMMIT;
SELECT count(*) FROM audit;
\df blockdb*
VERIFY CHAIN \gset v_
\echo verify: :v_status, :v_entries_checked entries, tree size :v_tree_size
\set ON_ERROR_STOP on
SELECT 1/0;
SELECT 'not reached';
