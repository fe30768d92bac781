// Table storage (src/sql/storage/): round trips of rows for every key type, composite and DESC
// keys, primary-key point lookups and range scans in key order, unique violations as 23505 with
// PostgreSQL's detail, NULLs in unique indexes, non-unique index scans, snapshot reads, hidden
// row ids, and golden bytes of a row key and index entries.
#include <doctest/doctest.h>

#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/coding.h"
#include "common/mem_env.h"
#include "engine/db.h"
#include "sql/catalog/catalog.h"
#include "sql/storage/table_codec.h"
#include "sql/storage/table_reader.h"
#include "sql/storage/table_writer.h"
#include "sql/types_test_util.h"

namespace blockdb::sql {
namespace {

using testing::TypeOf;
using testing::ValueOf;

class Store {
 public:
  Store() { Reopen(); }
  void Reopen() {
    catalog_.reset();
    db_.reset();
    EngineOptions options;
    options.env = &env_;
    options.dir = "/db";
    Result<std::unique_ptr<DB>> db = DB::Open(options);
    REQUIRE(db.ok());
    db_ = std::move(db).value();
    Result<std::unique_ptr<Catalog>> catalog = Catalog::Open(db_.get());
    REQUIRE(catalog.ok());
    catalog_ = std::move(catalog).value();
  }

  // columns: (name, type spec); pk: positions, negative -(pos + 1) for DESC.
  std::shared_ptr<const TableDef> Create(
      const std::string& name, const std::vector<std::pair<std::string, std::string>>& columns,
      const std::vector<int>& pk) {
    TableDef def;
    def.name = name;
    for (const auto& [col, spec] : columns) {
      def.columns.push_back(ColumnSchema{col, TypeOf(spec), false, std::nullopt, false});
    }
    for (int p : pk) {
      def.primary_key.push_back(p >= 0 ? KeyPart{static_cast<uint32_t>(p), false}
                                       : KeyPart{static_cast<uint32_t>(-p - 1), true});
    }
    auto table = catalog_->CreateTable(def, false);
    REQUIRE_MESSAGE(table.ok(), table.status().ToString());
    return *table;
  }

  std::shared_ptr<const IndexDef> Index(const TableDef& table, const std::string& name,
                                        std::vector<KeyPart> columns, bool unique) {
    IndexDef def{0, table.id, "public", name, unique, std::move(columns)};
    auto index = catalog_->CreateIndex(def, false);
    REQUIRE_MESSAGE(index.ok(), index.status().ToString());
    return *index;
  }

  TableWriter Writer(const TableDef& table) {
    return TableWriter(db_.get(), catalog_->FindTableById(table.id), catalog_->IndexesOf(table.id));
  }

  // Inserts rows given as text (column types from the table; "NULL" is NULL) in one batch.
  Status Insert(const TableDef& table, const std::vector<std::vector<std::string>>& rows,
                std::string* detail = nullptr) {
    TableWriter writer = Writer(table);
    for (const auto& texts : rows) {
      RETURN_IF_ERROR(writer.Add(Row(table, texts)));
    }
    return writer.Commit(detail).TakeStatus();
  }

  static std::vector<Value> Row(const TableDef& table, const std::vector<std::string>& texts) {
    std::vector<Value> row;
    for (size_t i = 0; i < texts.size(); ++i) {
      row.push_back(texts[i] == "NULL" ? Value::Null(table.columns[i].type.id())
                                       : *ParseValue(texts[i], table.columns[i].type));
    }
    return row;
  }

  TableReader Reader(const TableDef& table, uint64_t snapshot = kLatestSnapshot) {
    return TableReader(db_.get(), catalog_->FindTableById(table.id), snapshot);
  }

  DB* db() { return db_.get(); }

 private:
  MemEnv env_;
  std::unique_ptr<DB> db_;
  std::unique_ptr<Catalog> catalog_;
};

std::string Show(const std::vector<Value>& row) {
  std::string out;
  for (size_t i = 0; i < row.size(); ++i) {
    if (i > 0) {
      out += "|";
    }
    out += row[i].is_null() ? std::string("NULL") : FormatValue(row[i]);
  }
  return out;
}

// Rows a scan visits, shown one per element.
struct Collector {
  std::vector<std::string> rows;
  TableReader::RowVisitor Visitor() {
    return [this](std::vector<Value> row) {
      rows.push_back(Show(row));
      return true;
    };
  }
};

std::vector<std::string> ScanAll(TableReader reader) {
  Collector c;
  REQUIRE(reader.ScanPrefix({}, c.Visitor()).ok());
  return c.rows;
}

std::vector<Value> Key(std::vector<Value> values) { return values; }

TEST_CASE("table store: every key type round trips and scans in SQL order") {
  // Three values per type, ascending.
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"boolean", {"f", "t"}},
      {"smallint", {"-5", "0", "7"}},
      {"integer", {"-2147483648", "1", "2147483647"}},
      {"bigint", {"-9000000000", "3", "9000000000"}},
      {"real", {"-1.5", "0", "Infinity"}},
      {"double precision", {"-Infinity", "2.25", "NaN"}},
      {"numeric", {"-10.5", "0.001", "12.5"}},  // key form keeps no trailing zeros
      {"numeric(6,2)", {"-1.00", "3.14", "99.99"}},
      {"text", {"", "a", "ab"}},
      {"character varying(5)", {"A", "a", "b"}},
      {"bytea", {"\\x00", "\\x0001", "\\xff"}},
      {"date", {"1999-12-31", "2000-01-01", "2024-02-29"}},
      {"timestamp without time zone",
       {"1970-01-01 00:00:00", "2024-01-01 10:00:00.5", "2030-01-01 00:00:00"}},
      {"timestamp with time zone",
       {"1970-01-01 00:00:00+00", "2000-01-01 00:00:00+00", "2030-06-01 00:00:00+00"}},
      {"uuid",
       {"00000000-0000-0000-0000-000000000001", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        "ffffffff-ffff-ffff-ffff-ffffffffffff"}},
  };
  Store store;
  int n = 0;
  for (const auto& [spec, texts] : cases) {
    CAPTURE(spec);
    auto table = store.Create("k" + std::to_string(n++), {{"k", spec}, {"v", "text"}}, {0});
    // Inserted in reverse order, one batch each, with a NULL value column in the middle one.
    for (size_t i = texts.size(); i-- > 0;) {
      REQUIRE(store.Insert(*table, {{texts[i], i == 1 ? "NULL" : "v" + texts[i]}}).ok());
    }
    std::vector<std::string> expected;
    for (size_t i = 0; i < texts.size(); ++i) {
      std::vector<Value> row = Store::Row(*table, {texts[i], i == 1 ? "NULL" : "v" + texts[i]});
      expected.push_back(Show(row));
      auto got = store.Reader(*table).Get(Key({row[0]}));
      REQUIRE(got.ok());
      REQUIRE(got->has_value());
      CHECK(Show(**got) == expected.back());
    }
    CHECK(ScanAll(store.Reader(*table)) == expected);
  }
}

TEST_CASE("table store: composite key with a DESC column, prefix and range scans") {
  Store store;
  auto t = store.Create("c", {{"a", "integer"}, {"b", "text"}, {"v", "bigint"}}, {0, -2});
  REQUIRE(store
              .Insert(*t, {{"2", "x", "1"},
                           {"1", "a", "2"},
                           {"1", "c", "3"},
                           {"3", "m", "4"},
                           {"1", "b", "5"},
                           {"2", "y", "6"}})
              .ok());
  CHECK(ScanAll(store.Reader(*t)) ==
        std::vector<std::string>{"1|c|3", "1|b|5", "1|a|2", "2|y|6", "2|x|1", "3|m|4"});
  Collector prefix;
  std::vector<Value> one = {Value::Int4(1)};
  REQUIRE(store.Reader(*t).ScanPrefix(one, prefix.Visitor()).ok());
  CHECK(prefix.rows == std::vector<std::string>{"1|c|3", "1|b|5", "1|a|2"});
  auto get = store.Reader(*t).Get(Key({Value::Int4(2), Value::Text("y")}));
  REQUIRE(get.ok());
  CHECK(Show(**get) == "2|y|6");
  CHECK(!store.Reader(*t).Get(Key({Value::Int4(2), Value::Text("z")}))->has_value());
  CHECK(!store.Reader(*t).Get(Key({Value::Int4(2)})).ok());  // partial key

  // a > 1 and a <= 2.
  Collector range;
  REQUIRE(store.Reader(*t)
              .Scan(KeyBound{{Value::Int4(1)}, false}, KeyBound{{Value::Int4(2)}, true},
                    range.Visitor())
              .ok());
  CHECK(range.rows == std::vector<std::string>{"2|y|6", "2|x|1"});
  // From (1, 'b') inclusive to (2, 'x') exclusive, in key order (b is DESC).
  Collector mixed;
  REQUIRE(store.Reader(*t)
              .Scan(KeyBound{{Value::Int4(1), Value::Text("b")}, true},
                    KeyBound{{Value::Int4(2), Value::Text("x")}, false}, mixed.Visitor())
              .ok());
  CHECK(mixed.rows == std::vector<std::string>{"1|b|5", "1|a|2", "2|y|6"});
  // A visitor returning false stops the scan.
  int seen = 0;
  REQUIRE(store.Reader(*t).ScanPrefix({}, [&](std::vector<Value>) { return ++seen < 2; }).ok());
  CHECK(seen == 2);
  // A bound of the wrong type is an error, not an abort.
  Collector bad;
  CHECK(store.Reader(*t)
            .Scan(KeyBound{{Value::Text("1")}, true}, KeyBound{}, bad.Visitor())
            .sqlstate() == "42804");
}

TEST_CASE("table store: seeded range scans agree with a model") {
  Store store;
  // (a ASC, b DESC): key order is a ascending, then b descending.
  auto t = store.Create("r", {{"a", "integer"}, {"b", "integer"}}, {0, -2});
  std::mt19937 rng(20261124);
  std::set<std::pair<int, int>> model;
  std::uniform_int_distribution<int> small(0, 9);
  TableWriter writer = store.Writer(*t);
  while (model.size() < 60) {
    const int a = small(rng);
    const int b = small(rng);
    if (model.insert({a, -b}).second) {  // stored as (a, -b) so the set iterates in key order
      REQUIRE(writer.Add({Value::Int4(a), Value::Int4(b)}).ok());
    }
  }
  REQUIRE(writer.Commit().ok());
  auto reader = store.Reader(*t);
  for (int round = 0; round < 200; ++round) {
    const int lo = small(rng);
    const int hi = small(rng);
    const bool lo_inclusive = rng() % 2 == 0;
    const bool hi_inclusive = rng() % 2 == 0;
    const bool bounded_lo = rng() % 4 != 0;
    const bool bounded_hi = rng() % 4 != 0;
    std::vector<std::string> expected;
    for (const auto& [a, neg_b] : model) {
      const bool above = !bounded_lo || (lo_inclusive ? a >= lo : a > lo);
      const bool below = !bounded_hi || (hi_inclusive ? a <= hi : a < hi);
      if (above && below) {
        expected.push_back(std::to_string(a) + "|" + std::to_string(-neg_b));
      }
    }
    KeyBound lower;
    KeyBound upper;
    if (bounded_lo) {
      lower = KeyBound{{Value::Int4(lo)}, lo_inclusive};
    }
    if (bounded_hi) {
      upper = KeyBound{{Value::Int4(hi)}, hi_inclusive};
    }
    Collector got;
    REQUIRE(reader.Scan(lower, upper, got.Visitor()).ok());
    CAPTURE(round);
    CHECK(got.rows == expected);
  }
}

TEST_CASE("table store: primary key violation is 23505 with PostgreSQL's detail") {
  Store store;
  auto t = store.Create("t", {{"id", "integer"}, {"v", "text"}}, {0});
  REQUIRE(store.Insert(*t, {{"5", "a"}}).ok());
  std::string detail;
  Status s = store.Insert(*t, {{"6", "b"}, {"5", "c"}}, &detail);
  CHECK(s.sqlstate() == "23505");
  CHECK(s.message() == "duplicate key value violates unique constraint \"t_pkey\"");
  CHECK(detail == "Key (id)=(5) already exists.");
  CHECK(!store.Reader(*t).Get(Key({Value::Int4(6)}))->has_value());  // nothing of the batch
  // A key repeated within one batch.
  s = store.Insert(*t, {{"7", "b"}, {"7", "c"}}, &detail);
  CHECK(s.sqlstate() == "23505");
  CHECK(detail == "Key (id)=(7) already exists.");
  // Composite key.
  auto c = store.Create("c", {{"a", "integer"}, {"b", "text"}}, {0, 1});
  REQUIRE(store.Insert(*c, {{"1", "x y"}}).ok());
  CHECK(store.Insert(*c, {{"1", "x y"}}, &detail).sqlstate() == "23505");
  CHECK(detail == "Key (a, b)=(1, x y) already exists.");
  // NOT NULL.
  s = store.Insert(*t, {{"NULL", "x"}});
  CHECK(s.sqlstate() == "23502");
  CHECK(s.message() ==
        "null value in column \"id\" of relation \"t\" violates not-null constraint");
}

TEST_CASE("table store: unique index violations and NULLs in unique indexes") {
  Store store;
  auto t = store.Create("users", {{"id", "bigint"}, {"email", "text"}, {"org", "integer"}}, {0});
  auto email_index = store.Index(*t, "users_email_key", {KeyPart{1, false}}, true);
  store.Index(*t, "users_org_email", {KeyPart{2, false}, KeyPart{1, false}}, true);
  REQUIRE(store.Insert(*t, {{"1", "a@x", "1"}, {"2", "b@x", "1"}}).ok());
  std::string detail;
  Status s = store.Insert(*t, {{"3", "a@x", "2"}}, &detail);
  CHECK(s.sqlstate() == "23505");
  CHECK(s.message() == "duplicate key value violates unique constraint \"users_email_key\"");
  CHECK(detail == "Key (email)=(a@x) already exists.");
  CHECK(!store.Reader(*t).Get(Key({Value::Int8(3)}))->has_value());
  // Many NULLs are allowed in a unique index, alone or beside a value.
  REQUIRE(store.Insert(*t, {{"4", "NULL", "NULL"}, {"5", "NULL", "NULL"}}).ok());
  REQUIRE(store.Insert(*t, {{"6", "NULL", "1"}, {"7", "NULL", "1"}}).ok());
  auto email_key = store.Reader(*t);
  // An index created after the rows has no entries: CREATE INDEX does not backfill yet.
  auto late = store.Index(*t, "users_email_late", {KeyPart{1, false}}, true);
  Collector none;
  REQUIRE(email_key.ScanIndex(*late, KeyBound{}, KeyBound{}, none.Visitor()).ok());
  CHECK(none.rows.empty());
  // The unique index holds the NULL emails last (ascending), in primary-key order.
  Collector all;
  REQUIRE(email_key.ScanIndex(*email_index, KeyBound{}, KeyBound{}, all.Visitor()).ok());
  CHECK(all.rows == std::vector<std::string>{"1|a@x|1", "2|b@x|1", "4|NULL|NULL", "5|NULL|NULL",
                                             "6|NULL|1", "7|NULL|1"});
  Collector one;
  std::vector<Value> b = {Value::Text("b@x")};
  REQUIRE(
      email_key.ScanIndex(*email_index, KeyBound{b, true}, KeyBound{b, true}, one.Visitor()).ok());
  CHECK(one.rows == std::vector<std::string>{"2|b@x|1"});
  // The composite unique index still rejects a repeated (org, email) pair.
  CHECK(store.Insert(*t, {{"8", "b@x", "1"}}, &detail).sqlstate() == "23505");
}

TEST_CASE("table store: non-unique index scans return rows in index order") {
  Store store;
  auto t = store.Create("events", {{"id", "integer"}, {"kind", "text"}, {"at", "date"}}, {0});
  auto by_kind = store.Index(*t, "events_kind", {KeyPart{1, false}, KeyPart{2, true}}, false);
  REQUIRE(store
              .Insert(*t, {{"1", "b", "2024-01-01"},
                           {"2", "a", "2024-01-03"},
                           {"3", "b", "2024-01-02"},
                           {"4", "a", "2024-01-03"},
                           {"5", "NULL", "2024-01-01"},
                           {"6", "c", "2024-01-05"}})
              .ok());
  auto reader = store.Reader(*t);
  Collector all;
  REQUIRE(reader.ScanIndex(*by_kind, KeyBound{}, KeyBound{}, all.Visitor()).ok());
  CHECK(all.rows == std::vector<std::string>{"2|a|2024-01-03", "4|a|2024-01-03", "3|b|2024-01-02",
                                             "1|b|2024-01-01", "6|c|2024-01-05",
                                             "5|NULL|2024-01-01"});
  Collector bs;
  std::vector<Value> b = {Value::Text("b")};
  REQUIRE(reader.ScanIndex(*by_kind, KeyBound{b, true}, KeyBound{b, true}, bs.Visitor()).ok());
  CHECK(bs.rows == std::vector<std::string>{"3|b|2024-01-02", "1|b|2024-01-01"});
  // Primary keys alone, kind > 'a' and kind < 'c'.
  std::vector<std::string> pks;
  REQUIRE(reader
              .ScanIndexKeys(*by_kind, KeyBound{{Value::Text("a")}, false},
                             KeyBound{{Value::Text("c")}, false},
                             [&](std::string_view pk) {
                               pks.push_back(Show(*DecodePrimaryKey(*t, pk)));
                               return true;
                             })
              .ok());
  CHECK(pks == std::vector<std::string>{"3", "1"});
  // Duplicates in a non-unique index are fine.
  REQUIRE(store.Insert(*t, {{"7", "a", "2024-01-03"}}).ok());
}

TEST_CASE("table store: a reader sees its snapshot only") {
  Store store;
  auto t = store.Create("s", {{"id", "integer"}, {"v", "text"}}, {0});
  auto by_v = store.Index(*t, "s_v", {KeyPart{1, false}}, false);
  REQUIRE(store.Insert(*t, {{"1", "a"}}).ok());
  const uint64_t snapshot = store.db()->AppliedIndex();
  REQUIRE(store.Insert(*t, {{"2", "b"}}).ok());
  auto old_reader = store.Reader(*t, snapshot);
  CHECK(ScanAll(old_reader) == std::vector<std::string>{"1|a"});
  CHECK(!old_reader.Get(Key({Value::Int4(2)}))->has_value());
  Collector old_index;
  REQUIRE(old_reader.ScanIndex(*by_v, KeyBound{}, KeyBound{}, old_index.Visitor()).ok());
  CHECK(old_index.rows == std::vector<std::string>{"1|a"});
  CHECK(ScanAll(store.Reader(*t)) == std::vector<std::string>{"1|a", "2|b"});
}

TEST_CASE("table store: unconstrained NUMERIC keys keep their scale across reopen") {
  Store store;
  auto t = store.Create("k", {{"n", "numeric"}, {"v", "text"}}, {0});
  REQUIRE(t->numeric_keys_in_value);
  REQUIRE(store.Insert(*t, {{"1.50", "a"}, {"-0.500", "b"}}).ok());
  CHECK(store.Insert(*t, {{"1.5", "c"}}).sqlstate() == "23505");
  store.Reopen();
  CHECK(ScanAll(store.Reader(*t)) == std::vector<std::string>{"-0.500|b", "1.50|a"});
  auto got = store.Reader(*t).Get(Key({ValueOf("numeric", "1.5")}));
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  CHECK(Show(**got) == "1.50|a");
}

TEST_CASE("table store: hidden row ids stay unique and in insertion order across reopen") {
  Store store;
  auto t = store.Create("log", {{"msg", "text"}, {"n", "integer"}}, {});
  REQUIRE(t->has_hidden_row_id());
  REQUIRE(store.Insert(*t, {{"a", "1"}, {"b", "2"}}).ok());
  REQUIRE(store.Insert(*t, {{"a", "1"}}).ok());  // identical rows are distinct rows
  store.Reopen();
  store.Create("other", {{"x", "integer"}}, {});
  REQUIRE(store.Insert(*t, {{"c", "NULL"}}).ok());
  CHECK(ScanAll(store.Reader(*t)) == std::vector<std::string>{"a|1", "b|2", "a|1", "c|NULL"});
}

TEST_CASE("table store: hidden row ids come from the log index of the batch that applied them") {
  Store store;
  auto t = store.Create("log", {{"msg", "text"}}, {});
  auto by_msg = store.Index(*t, "log_msg", {KeyPart{0, false}}, false);
  auto unique_msg = store.Index(*t, "log_msg_key", {KeyPart{0, false}}, true);
  const uint64_t first = store.db()->AppliedIndex() + 1;
  REQUIRE(store.Insert(*t, {{"a"}, {"b"}}).ok());
  REQUIRE(store.Insert(*t, {{"NULL"}}).ok());
  REQUIRE(store.db()->AppliedIndex() == first + 1);
  store.Reopen();  // replay writes the same ids again
  const std::vector<std::pair<std::string, uint64_t>> want = {
      {"a", RowIdAt(first, 0)}, {"b", RowIdAt(first, 1)}, {"NULL", RowIdAt(first + 1, 0)}};
  for (const auto& [msg, id] : want) {
    CAPTURE(msg);
    auto got = store.Reader(*t).Get(Key({Value::Int8(static_cast<int64_t>(id))}));
    REQUIRE(got.ok());
    REQUIRE(got->has_value());
    CHECK(Show(**got) == msg);
    // Every index entry points at the same id: the plain index's key ends with it, the unique
    // index's value is it (and its key ends with it too when the value is NULL).
    std::vector<Value> row = {msg == "NULL" ? Value::Null(TypeId::kText) : Value::Text(msg)};
    const std::string pk = PrimaryKeyBytes(*t, row, id);
    std::string value;
    CHECK(store.db()->Get(EncodeIndexEntry(*by_msg, *t, row, pk).key, &value).ok());
    IndexEntry unique = EncodeIndexEntry(*unique_msg, *t, row, pk);
    REQUIRE(store.db()->Get(unique.key, &value).ok());
    CHECK(value == pk);
  }
}

TEST_CASE("table store: golden bytes of a row key, a row value and index entries") {
  TableDef t;
  t.id = 1000;
  t.name = "t";
  t.columns.push_back(ColumnSchema{"id", Type::Of(TypeId::kInt4), true, std::nullopt, false});
  t.columns.push_back(ColumnSchema{"name", Type::Of(TypeId::kText), false, std::nullopt, false});
  t.primary_key.push_back(KeyPart{0, false});
  const std::vector<Value> row = {Value::Int4(5), Value::Text("ab")};
  const std::string pk = PrimaryKeyBytes(t, row, 0);
  CHECK(ToHex(RelationKeyPrefix(t.id) + pk) == "e807208000000000000005");
  CHECK(ToHex(EncodeRowValue(t, row)) == "010100026162");  // version 1, 1 column, no NULL, "ab"
  IndexDef plain{1001, 1000, "public", "t_name", false, {KeyPart{1, false}}};
  IndexEntry e = EncodeIndexEntry(plain, t, row, pk);
  CHECK(ToHex(e.key) ==
        "e90740616200012080000000000000"
        "05");
  CHECK(e.value.empty());
  IndexDef unique{1002, 1000, "public", "t_name_key", true, {KeyPart{1, true}}};
  e = EncodeIndexEntry(unique, t, row, pk);
  CHECK(ToHex(e.key) == "ea07bf9e9dfffe");
  CHECK(ToHex(e.value) == "208000000000000005");
  const std::vector<Value> null_name = {Value::Int4(5), Value::Null(TypeId::kText)};
  e = EncodeIndexEntry(unique, t, null_name, pk);
  CHECK(ToHex(e.key) == "ea0701208000000000000005");  // DESC: NULL first (01), then the PK
  CHECK(*IndexEntryPrimaryKey(unique, t, e.key, e.value) == pk);
}

TEST_CASE("table store: an unconstrained NUMERIC key keeps its display scale in the row value") {
  TableDef t;
  t.id = 1000;
  t.name = "t";
  t.columns.push_back(ColumnSchema{"n", Type::Of(TypeId::kNumeric), true, std::nullopt, false});
  t.columns.push_back(ColumnSchema{"v", Type::Of(TypeId::kText), false, std::nullopt, false});
  t.primary_key.push_back(KeyPart{0, false});
  const std::vector<Value> row = {ValueOf("numeric", "1.50"), Value::Text("ab")};
  const std::string pk = PrimaryKeyBytes(t, row, 0);
  CHECK(ToHex(pk) == "40408000ff00ff0113880001");  // the key form of 1.5 (no scale)
  const std::string value = EncodeRowValue(t, row);
  CHECK(ToHex(value) ==
        "01"            // schema version 1
        "02"            // 2 columns: the key column n, then v
        "00"            // no NULL
        "090002000000"  // numeric, 9 bytes: positive, dscale 2, weight 0
        "01008813"      // digits 1, 5000
        "026162");      // "ab"
  Result<std::vector<Value>> back = DecodeTableRow(t, pk, value);
  REQUIRE(back.ok());
  CHECK(FormatValue((*back)[0]) == "1.50");
  TableRowDecoder decoder(t);
  std::vector<Value> out;
  REQUIRE(decoder.Decode(pk, value, &out).ok());
  CHECK(FormatValue(out[0]) == "1.50");
  decoder.SetNeededColumns({false, true});
  REQUIRE(decoder.Decode(pk, value, &out).ok());
  CHECK(FormatValue(out[1]) == "ab");
  // A value that disagrees with the key is damage.
  const std::vector<Value> other = {ValueOf("numeric", "2.50"), Value::Text("ab")};
  CHECK(DecodeTableRow(t, pk, EncodeRowValue(t, other)).status().IsCorruption());
  // A table whose catalog row predates the layout: the value holds v only and n reads back
  // from the key.
  t.numeric_keys_in_value = false;
  const std::string legacy = EncodeRowValue(t, row);
  CHECK(ToHex(legacy) == "010100026162");
  back = DecodeTableRow(t, pk, legacy);
  REQUIRE(back.ok());
  CHECK(FormatValue((*back)[0]) == "1.5");
}

}  // namespace
}  // namespace blockdb::sql
