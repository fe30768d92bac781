// Relation ids: every table and index key starts with varint(id), so ids whose varint would start
// with the engine's reserved byte 0xff (1023, 1151, ...) are skipped; every relation created can
// hold rows.
#include <doctest/doctest.h>

#include <string>

#include "session_test_util.h"
#include "sql/catalog/catalog.h"

namespace blockdb::sql {
namespace {

using session_test::Rows;
using session_test::SessionFixture;

TEST_CASE("relation ids: ids whose key prefix would start with 0xff are skipped") {
  SessionFixture f;
  // Tables and their unique indexes take ids from 1000 up, past 1023 and 1151.
  for (int i = 0; i < 90; ++i) {
    const std::string t = "t" + std::to_string(i);
    f.Exec("CREATE TABLE " + t + " (id INT PRIMARY KEY, v TEXT UNIQUE)");
    f.Exec("INSERT INTO " + t + " VALUES (1, 'a'), (2, 'b')");
    CHECK(f.Query("SELECT count(*) FROM " + t + " WHERE v = 'b'") == Rows{"1"});
    std::shared_ptr<const TableDef> def = f.db().catalog().FindTable(t);
    REQUIRE(def != nullptr);
    CHECK(def->id != 1023);
    CHECK(def->id != 1151);
  }
  CHECK(f.db().catalog().FindTable("t89")->id > 1151);
  CHECK(f.db().catalog().FindIndex("t11_v_key") != nullptr);
  CHECK(f.db().catalog().FindIndex("t11_v_key")->id == 1024);  // 1023 skipped
}

}  // namespace
}  // namespace blockdb::sql
