// COPY ... FROM STDIN through the Session API: the text format's escapes, NULL, header, CSV, and
// the errors with the line they name (the header is line 1, as in PostgreSQL).
#include <doctest/doctest.h>

#include <string>

#include "session_test_util.h"

namespace blockdb::sql::session_test {
namespace {

// Runs `copy` (a COPY ... FROM STDIN), sends `data` in two pieces and finishes it: the command
// tag, or the error's SQLSTATE and message after "ERROR ".
std::string CopyIn(SessionFixture& f, const std::string& copy, const std::string& data) {
  Outcome o = f.Run(copy);
  REQUIRE_MESSAGE(o.status.ok(), o.status.ToString());
  const size_t half = data.size() / 2;
  REQUIRE(f.session().CopyData(std::string_view(data).substr(0, half)).ok());
  REQUIRE(f.session().CopyData(std::string_view(data).substr(half)).ok());
  Result<std::string> tag = f.session().CopyDone();
  if (!tag.ok()) {
    return "ERROR " + tag.status().sqlstate() + " " + tag.status().message();
  }
  return *tag;
}

// Lines first..last of COPY text, line(i) each.
template <typename Line>
std::string Lines(int first, int last, Line line) {
  std::string data;
  for (int i = first; i <= last; ++i) {
    data += line(i);
  }
  return data;
}

TEST_CASE("copy in: text format escapes, NULL and the end marker") {
  SessionFixture f;
  f.Exec("CREATE TABLE t (id INT PRIMARY KEY, s TEXT)");
  const std::string data =
      "1\tplain\n"
      "2\ttab\\there\n"
      "3\tline\\nbreak\\r\\b\\f\\v\n"
      "4\tback\\\\slash and \\\ttab char\n"
      "5\t\\N\n"
      "6\t\n"
      "7\tcrlf\r\n"
      "\\.\n"
      "8\tafter the end marker\n";
  CHECK(CopyIn(f, "COPY t FROM STDIN", data) == "COPY 7");
  CHECK(f.Query("SELECT id, s IS NULL, length(s), s FROM t ORDER BY id") ==
        Rows{"1|f|5|plain", "2|f|8|tab\there", "3|f|14|line\nbreak\r\b\f\v",
             "4|f|24|back\\slash and \ttab char", "5|t|NULL|NULL", "6|f|0|", "7|f|4|crlf"});
}

TEST_CASE("copy in: NULL AS, DELIMITER, HEADER and CSV") {
  SessionFixture f;
  f.Exec("CREATE TABLE t (id INT PRIMARY KEY, s TEXT, n NUMERIC(6,2))");
  CHECK(CopyIn(f, "COPY t FROM STDIN WITH (DELIMITER '|', NULL 'nil', HEADER)",
               "id|s|n\n1|a|1.5\n2|nil|nil\n3|\\|pipe|2\n") == "COPY 3");
  CHECK(CopyIn(f, "COPY t FROM STDIN WITH (FORMAT csv, HEADER)",
               "id,s,n\n4,\"quoted, with comma\",3.25\n5,,\n6,\"two\nlines\",4\n") == "COPY 3");
  CHECK(f.Query("SELECT id, s, n FROM t ORDER BY id") ==
        Rows{"1|a|1.50", "2|NULL|NULL", "3||pipe|2.00", "4|quoted, with comma|3.25",
             "5|NULL|NULL", "6|two\nlines|4.00"});
}

TEST_CASE("copy in: bad data names its line and inserts nothing") {
  SessionFixture f;
  f.Exec("CREATE TABLE t (id INT PRIMARY KEY, s TEXT)");
  const std::string missing = CopyIn(f, "COPY t FROM STDIN", "1\ta\n2\n");
  CHECK(missing.rfind("ERROR 22P04 missing data for a column", 0) == 0);
  CHECK(missing.find("line 2") != std::string::npos);
  const std::string extra = CopyIn(f, "COPY t FROM STDIN WITH (HEADER)", "h\th\n1\ta\n2\tb\tc\n");
  CHECK(extra.rfind("ERROR 22P04 extra data after last expected column", 0) == 0);
  CHECK(extra.find("line 3") != std::string::npos);
  const std::string bad = CopyIn(f, "COPY t FROM STDIN", "1\ta\nx\tb\n");
  CHECK(bad.rfind("ERROR 22P02", 0) == 0);
  CHECK(bad.find("line 2, column id") != std::string::npos);
  const std::string marker = CopyIn(f, "COPY t FROM STDIN", "1\ta\\\n");
  CHECK(marker.rfind("ERROR 22P04 end-of-copy marker corrupt", 0) == 0);
  CHECK(f.Query("SELECT count(*) FROM t") == Rows{"0"});
}

TEST_CASE("copy in: many rows in several batches, and a duplicate key in a later batch") {
  SessionFixture f;
  f.Exec("CREATE TABLE t (id INT PRIMARY KEY, s TEXT)");
  const std::string data =
      Lines(1, 2500, [](int i) { return std::to_string(i) + "\trow " + std::to_string(i) + "\n"; });
  CHECK(CopyIn(f, "COPY t FROM STDIN", data) == "COPY 2500");
  CHECK(f.Query("SELECT count(*), sum(id) FROM t") == Rows{"2500|3126250"});
  const std::string dup = CopyIn(f, "COPY t FROM STDIN", "3000\tnew\n2500\tagain\n");
  CHECK(dup.rfind("ERROR 23505", 0) == 0);
  CHECK(f.Query("SELECT count(*) FROM t") == Rows{"2500"});
}

// docs/SQL.md: outside a transaction block a load is written in batches of 1000 rows, and the
// batches before a failing line stay written; inside a block the COPY is part of the transaction.
TEST_CASE("copy in: a failure in a later batch keeps the batches before it, unless in a block") {
  SessionFixture f;
  f.Exec("CREATE TABLE t (id INT PRIMARY KEY, s TEXT)");
  f.Exec("INSERT INTO t VALUES (2400, 'there before')");
  // 2400 repeats a key, in the third batch.
  const std::string data = Lines(1, 2500, [](int i) { return std::to_string(i) + "\trow\n"; });
  f.Exec("BEGIN");
  CHECK(CopyIn(f, "COPY t FROM STDIN", data).rfind("ERROR 23505", 0) == 0);
  f.Exec("ROLLBACK");
  CHECK(f.Query("SELECT count(*) FROM t") == Rows{"1"});
  CHECK(CopyIn(f, "COPY t FROM STDIN", data).rfind("ERROR 23505", 0) == 0);
  CHECK(f.Query("SELECT count(*), max(id) FROM t WHERE id < 2400") == Rows{"2000|2000"});

  const std::string bad_late = Lines(3001, 5500, [](int i) {
    return (i == 5200 ? std::string("x") : std::to_string(i)) + "\trow\n";
  });
  const std::string bad = CopyIn(f, "COPY t FROM STDIN", bad_late);
  CHECK(bad.rfind("ERROR 22P02", 0) == 0);
  CHECK(bad.find("line 2200, column id") != std::string::npos);
  CHECK(f.Query("SELECT count(*) FROM t WHERE id > 3000") == Rows{"2000"});
}

}  // namespace
}  // namespace blockdb::sql::session_test
