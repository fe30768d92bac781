// pgjdbc (Debian libpostgresql-jdbc-java) against a running blockdb-server; run by
// pgjdbc_test.py as `java -cp postgresql.jar PgjdbcTest.java PORT`. Exits non-zero (with an
// exception) when a check fails.
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

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

  public static void main(String[] args) throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + args[0] + "/blockdb?user=blockdb&sslmode=disable";
    try (Connection conn = DriverManager.getConnection(url)) {
      check(conn.getMetaData().getDatabaseMajorVersion() == 15, "server version 15");
      Statement st = conn.createStatement();
      st.execute("CREATE TABLE j (id BIGINT PRIMARY KEY, name TEXT, amount NUMERIC(10,2), "
          + "at TIMESTAMPTZ, ok BOOLEAN, n INT)");
      OffsetDateTime at = OffsetDateTime.of(2024, 5, 1, 12, 34, 56, 0, ZoneOffset.UTC);
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
      Statement st = conn.createStatement();
      check(sqlState(st, "SELEC 1").equals("42601"), "syntax error");
      check(sqlState(st, "SELECT * FROM nowhere").equals("42P01"), "undefined table");
      check(sqlState(st, "SELECT 1/0").equals("22012"), "division by zero");
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM j")) {
        check(rs.next() && rs.getLong(1) == 12, "12 rows");
      }
    }
    System.out.println("pgjdbc: all checks passed");
  }
}
