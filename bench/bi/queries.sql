-- BI query set of bench/bi/run_bi_bench.sh: "name: query" on one line each. Every query has an
-- ORDER BY that makes its result text deterministic, so BlockDB's and PostgreSQL's compare.
-- The window over transactions reads one month (about 85000 of 10^6 rows): BlockDB holds a
-- window's input in memory within work_mem (64 MiB), which the whole table does not fit.
join_group_region: SELECT a.region, count(*) AS n, sum(t.amount) AS total FROM transactions t JOIN accounts a ON a.id = t.account_id GROUP BY a.region ORDER BY a.region
group_by_day: SELECT date_trunc('day', created_at) AS day, count(*) AS n, sum(amount) AS total FROM transactions GROUP BY date_trunc('day', created_at) ORDER BY day
join_month_region: SELECT date_trunc('month', t.created_at) AS month, a.region, count(*) AS n, sum(t.amount) AS total FROM transactions t JOIN accounts a ON a.id = t.account_id GROUP BY 1, 2 ORDER BY 1, 2
daily_running_total: SELECT day, total, sum(total) OVER (ORDER BY day) AS running FROM (SELECT date_trunc('day', created_at) AS day, sum(amount) AS total FROM transactions GROUP BY 1) d ORDER BY day
top3_accounts_region: SELECT region, name, total, rk FROM (SELECT region, name, total, rank() OVER (PARTITION BY region ORDER BY total DESC) AS rk FROM (SELECT a.region, a.name, sum(t.amount) AS total FROM transactions t JOIN accounts a ON a.id = t.account_id GROUP BY a.region, a.name) s) r WHERE rk <= 3 ORDER BY region, rk, name
top2_tx_per_account_march: SELECT account_id, id, amount FROM (SELECT account_id, id, amount, row_number() OVER (PARTITION BY account_id ORDER BY amount DESC, id) AS rn FROM transactions WHERE created_at >= '2026-03-01' AND created_at < '2026-04-01') s WHERE rn <= 2 ORDER BY account_id, rn
top10_order_limit: SELECT id, account_id, amount, created_at FROM transactions ORDER BY amount DESC, id LIMIT 10
count_distinct: SELECT count(DISTINCT account_id) AS accounts, count(DISTINCT date_trunc('day', created_at)) AS days FROM transactions
filtered_aggregate: SELECT count(*) AS n, sum(amount) AS total, avg(amount) AS mean, min(amount), max(amount) FROM transactions WHERE created_at >= '2026-03-01' AND created_at < '2026-04-01' AND amount > 1000
