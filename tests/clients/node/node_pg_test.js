// node-postgres (npm "pg") against a running blockdb-server: `node node_pg_test.js PORT`.
// Text and parameterized queries, named prepared statements, binary results, errors with their
// SQLSTATE. Exits non-zero when a check fails.
'use strict';
const assert = require('assert');
const { Client } = require('pg');

async function main() {
  const port = Number(process.argv[2]);
  const client = new Client({ host: '127.0.0.1', port, user: 'blockdb', database: 'blockdb' });
  await client.connect();

  const one = await client.query('SELECT 1 AS one');
  assert.deepStrictEqual(one.rows, [{ one: 1 }]);
  assert.strictEqual(one.fields[0].dataTypeID, 23);

  await client.query('CREATE TABLE np (id BIGINT PRIMARY KEY, name TEXT, ok BOOLEAN, n INT)');
  for (let i = 1; i <= 6; i++) {
    // A named statement: parsed once, then only Bind/Execute.
    const r = await client.query({
      name: 'ins', text: 'INSERT INTO np VALUES ($1, $2, $3, $4)', values: [i, `row ${i}`, i % 2 === 0, i * 10],
    });
    assert.strictEqual(r.rowCount, 1);
  }
  const sel = await client.query('SELECT id, name, ok, n FROM np WHERE id = $1', [4]);
  assert.deepStrictEqual(sel.rows, [{ id: '4', name: 'row 4', ok: true, n: 40 }]);

  // Binary results: node-postgres parses int4 and bool from their binary form.
  const bin = await client.query({ text: 'SELECT n, ok, name FROM np WHERE id = $1', values: [3], binary: true });
  assert.strictEqual(bin.rows[0].n, 30);
  assert.strictEqual(bin.rows[0].ok, false);
  assert.strictEqual(bin.rows[0].name.toString(), 'row 3');

  const count = await client.query('SELECT count(*) AS c FROM np');
  assert.strictEqual(count.rows[0].c, '6');

  for (const [sql, state] of [['SELEC 1', '42601'], ['SELECT * FROM nowhere', '42P01'],
                              ['INSERT INTO np (id) VALUES (1)', '23505']]) {
    await assert.rejects(client.query(sql), (e) => e.code === state, sql);
  }
  // The connection is usable after errors.
  assert.deepStrictEqual((await client.query('SELECT 2 AS two')).rows, [{ two: 2 }]);
  await client.end();
  console.log('node-postgres: all checks passed');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
