// pgjdbc (Debian libpostgresql-jdbc-java) against a running blockdb-server; run by
// pgjdbc_test.py as `java -cp postgresql.jar PgjdbcTest.java PORT`. Exits non-zero (with an
// exception) when a check fails.
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

public class PgjdbcTest {
  static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }

  static String sqlState(Statement st, String sql) {
    try {
      st.execute(sql);
      return "none";
    } catch (SQLException e) {
      return e.getSQLState();
    }
  }

  // Column `column` of every row, in order.
  static List<String> column(ResultSet rs, String column) throws SQLException {
    List<String> out = new ArrayList<>();
    try (rs) {
      while (rs.next()) {
        out.add(rs.getString(column));
      }
    }
    return out;
  }

  // DatabaseMetaData and ResultSetMetaData, which read pg_catalog (and RowDescription's table
  // OIDs and column numbers).
  static void checkMetadata(Connection conn) throws SQLException {
    Statement st = conn.createStatement();
    st.execute("CREATE TABLE meta_items (id BIGINT PRIMARY KEY, name VARCHAR(40) NOT NULL, "
        + "price NUMERIC(10,2), at TIMESTAMPTZ, code TEXT UNIQUE)");
    st.execute("CREATE INDEX meta_items_name_idx ON meta_items (name)");
    st.execute("CREATE TABLE meta_pairs (a INT, b TEXT, PRIMARY KEY (b, a))");
    DatabaseMetaData md = conn.getMetaData();

    List<String> tables = column(md.getTables(null, "public", "meta%", new String[] {"TABLE"}),
        "TABLE_NAME");
    check(tables.equals(List.of("meta_items", "meta_pairs")), "getTables " + tables);
    List<String> schemas = column(md.getSchemas(), "TABLE_SCHEM");
    check(schemas.contains("public") && schemas.contains("pg_catalog"), "getSchemas " + schemas);
    List<String> catalogs = column(md.getCatalogs(), "TABLE_CAT");
    check(catalogs.equals(List.of("blockdb")), "getCatalogs " + catalogs);

    List<String> cols = new ArrayList<>();
    try (ResultSet rs = md.getColumns(null, "public", "meta_items", "%")) {
      while (rs.next()) {
        cols.add(rs.getString("COLUMN_NAME") + ":" + rs.getString("TYPE_NAME") + ":"
            + rs.getInt("DATA_TYPE") + ":" + rs.getInt("COLUMN_SIZE") + ":"
            + rs.getString("IS_NULLABLE") + ":" + rs.getInt("ORDINAL_POSITION"));
      }
    }
    List<String> wantCols = List.of("id:int8:" + java.sql.Types.BIGINT + ":19:NO:1",
        "name:varchar:" + java.sql.Types.VARCHAR + ":40:NO:2",
        "price:numeric:" + java.sql.Types.NUMERIC + ":10:YES:3",
        "at:timestamptz:" + java.sql.Types.TIMESTAMP + ":35:YES:4",
        "code:text:" + java.sql.Types.VARCHAR + ":2147483647:YES:5");
    check(cols.equals(wantCols), "getColumns " + cols);

    List<String> pk = new ArrayList<>();
    try (ResultSet rs = md.getPrimaryKeys(null, "public", "meta_pairs")) {
      while (rs.next()) {
        pk.add(rs.getString("COLUMN_NAME") + ":" + rs.getInt("KEY_SEQ") + ":"
            + rs.getString("PK_NAME"));
      }
    }
    check(pk.equals(List.of("b:1:meta_pairs_pkey", "a:2:meta_pairs_pkey")),
        "getPrimaryKeys " + pk);

    List<String> idx = new ArrayList<>();
    try (ResultSet rs = md.getIndexInfo(null, "public", "meta_items", false, false)) {
      while (rs.next()) {
        idx.add(rs.getString("INDEX_NAME") + ":" + rs.getString("COLUMN_NAME") + ":"
            + rs.getBoolean("NON_UNIQUE") + ":" + rs.getInt("ORDINAL_POSITION") + ":"
            + rs.getString("ASC_OR_DESC"));
      }
    }
    check(idx.equals(List.of("meta_items_code_key:code:false:1:A", "meta_items_pkey:id:false:1:A",
              "meta_items_name_idx:name:true:1:A")),
        "getIndexInfo " + idx);
    List<String> unique =
        column(md.getIndexInfo(null, "public", "meta_items", true, false), "INDEX_NAME");
    check(unique.equals(List.of("meta_items_code_key", "meta_items_pkey")), "unique " + unique);

    List<String> types = column(md.getTypeInfo(), "TYPE_NAME");
    for (String t : List.of("int4", "int8", "text", "varchar", "numeric", "bool", "timestamptz",
             "date", "bytea", "uuid", "jsonb")) {
      check(types.contains(t), "getTypeInfo lacks " + t + ": " + types);
    }

    // ResultSetMetaData: type names from RowDescription, nullability and table names from
    // pg_catalog through the table OID and column number of each column.
    try (ResultSet rs = st.executeQuery(
             "SELECT id, name, price, code, 1 AS one, p.a FROM meta_items, meta_pairs p")) {
      ResultSetMetaData m = rs.getMetaData();
      String[] typeNames = {"int8", "varchar", "numeric", "text", "int4", "int4"};
      int[] nullable = {ResultSetMetaData.columnNoNulls, ResultSetMetaData.columnNoNulls,
          ResultSetMetaData.columnNullable, ResultSetMetaData.columnNullable,
          ResultSetMetaData.columnNullableUnknown, ResultSetMetaData.columnNoNulls};
      String[] tableNames = {"meta_items", "meta_items", "meta_items", "meta_items", "",
          "meta_pairs"};
      for (int i = 1; i <= typeNames.length; i++) {
        check(m.getColumnTypeName(i).equals(typeNames[i - 1]),
            "column " + i + " type " + m.getColumnTypeName(i));
        check(m.isNullable(i) == nullable[i - 1], "column " + i + " nullable " + m.isNullable(i));
        check(m.getTableName(i).equals(tableNames[i - 1]),
            "column " + i + " table '" + m.getTableName(i) + "'");
      }
      check(m.getPrecision(3) == 10 && m.getScale(3) == 2, "price precision and scale");
      check(m.getColumnDisplaySize(2) == 40, "name display size " + m.getColumnDisplaySize(2));
    }
  }

  static OffsetDateTime at;

  public static void main(String[] args) throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + args[0] + "/blockdb?user=blockdb&sslmode=disable";
    try (Connection conn = DriverManager.getConnection(url)) {
      check(conn.getMetaData().getDatabaseMajorVersion() == 15, "server version 15");
      Statement st = conn.createStatement();
      st.execute("CREATE TABLE j (id BIGINT PRIMARY KEY, name TEXT, amount NUMERIC(10,2), "
          + "at TIMESTAMPTZ, ok BOOLEAN, n INT)");
      at = OffsetDateTime.of(2024, 5, 1, 12, 34, 56, 0, ZoneOffset.UTC);
      // Beyond prepareThreshold (5): a named server-side statement, binary int4 parameters.
      try (PreparedStatement ins = conn.prepareStatement("INSERT INTO j VALUES (?, ?, ?, ?, ?, ?)")) {
        for (int i = 1; i <= 12; i++) {
          ins.setLong(1, i);
          ins.setString(2, "row " + i);
          ins.setBigDecimal(3, new BigDecimal(i + ".25"));
          ins.setObject(4, at.plusSeconds(i));
          ins.setBoolean(5, i % 2 == 0);
          ins.setInt(6, i * 10);
          check(ins.executeUpdate() == 1, "insert " + i);
        }
      }
      // Beyond the threshold pgjdbc asks for binary results.
      try (PreparedStatement sel = conn.prepareStatement(
               "SELECT id, name, amount, at, ok, n FROM j WHERE id = ?")) {
        for (int i = 1; i <= 12; i++) {
          sel.setLong(1, i);
          try (ResultSet rs = sel.executeQuery()) {
            check(rs.next(), "row " + i + " found");
            check(rs.getLong(1) == i, "id");
            check(rs.getString(2).equals("row " + i), "name " + rs.getString(2));
            check(rs.getBigDecimal(3).equals(new BigDecimal(i + ".25")), "amount " + rs.getBigDecimal(3));
            check(rs.getObject(4, OffsetDateTime.class).isEqual(at.plusSeconds(i)), "at " + rs.getObject(4));
            check(rs.getBoolean(5) == (i % 2 == 0), "ok");
            check(rs.getInt(6) == i * 10, "n");
            check(!rs.next(), "one row");
          }
        }
      }
      // fetchSize with autocommit off: Execute with a row limit, PortalSuspended, resume.
      conn.setAutoCommit(false);
      try (PreparedStatement all = conn.prepareStatement("SELECT id FROM j ORDER BY id")) {
        all.setFetchSize(5);
        try (ResultSet rs = all.executeQuery()) {
          long expected = 1;
          while (rs.next()) {
            check(rs.getLong(1) == expected, "fetched " + rs.getLong(1) + " expected " + expected);
            expected++;
          }
          check(expected == 13, "fetched all 12 rows, got " + (expected - 1));
        }
      }
      conn.commit();
      // Errors and their SQLSTATEs; a failed transaction answers 25P02. (The connection is
      // closed rather than rolled back: pgjdbc sends ROLLBACK through the extended protocol, which
      // the SQL session does not accept in a failed transaction block yet.)
      check(sqlState(st, "INSERT INTO j (id) VALUES (1)").equals("23505"), "unique violation");
      check(sqlState(st, "SELECT 1").equals("25P02"), "in failed transaction");
    }
    try (Connection conn = DriverManager.getConnection(url)) {
      checkMetadata(conn);
    }
    try (Connection conn = DriverManager.getConnection(url)) {
      Statement st = conn.createStatement();
      check(sqlState(st, "SELEC 1").equals("42601"), "syntax error");
      check(sqlState(st, "SELECT * FROM nowhere").equals("42P01"), "undefined table");
      check(sqlState(st, "SELECT 1/0").equals("22012"), "division by zero");
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM j")) {
        check(rs.next() && rs.getLong(1) == 12, "12 rows");
      }
    }
    // pgjdbc sends the JVM's zone (pgjdbc_test.py runs it as America/New_York) as the startup
    // TimeZone: timestamptz text is then shown there, and reads back as the same instant.
    try (Connection conn = DriverManager.getConnection(url)) {
      Statement st = conn.createStatement();
      try (ResultSet rs = st.executeQuery(
               "SELECT current_setting('TimeZone'), at::text, at FROM j WHERE id = 1")) {
        check(rs.next(), "row 1");
        check(rs.getString(1).equals(java.util.TimeZone.getDefault().getID()),
            "session zone " + rs.getString(1));
        check(rs.getString(2).equals("2024-05-01 08:34:57-04"), "text in the session zone " + rs.getString(2));
        check(rs.getObject(3, OffsetDateTime.class).isEqual(at.plusSeconds(1)), "same instant");
      }
    }
    System.out.println("pgjdbc: all checks passed");
  }
}
