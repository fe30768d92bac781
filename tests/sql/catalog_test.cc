// Catalog (src/sql/catalog/): golden bytes of catalog rows (docs/format/catalog.md), decoder
// rejection of malformed rows, create/load/reopen, id allocation, 42P07 for duplicate names
// including two concurrent creators, IF NOT EXISTS, and definition validation.
#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/coding.h"
#include "common/mem_env.h"
#include "engine/db.h"
#include "engine/write_batch.h"
#include "sql/catalog/catalog.h"
#include "sql/catalog/catalog_codec.h"

namespace blockdb::sql {
namespace {

std::string Unhex(std::string_view hex) {
  std::string clean;
  for (const char c : hex) {
    if (c != ' ') {
      clean.push_back(c);
    }
  }
  return FromHex(clean).value();
}

// An engine on an in-memory Env that a test can close and reopen.
class TestDb {
 public:
  TestDb() { Reopen(); }
  void Reopen() {
    db_.reset();
    EngineOptions options;
    options.env = &env_;
    options.dir = "/db";
    Result<std::unique_ptr<DB>> db = DB::Open(options);
    REQUIRE(db.ok());
    db_ = std::move(db).value();
  }
  DB* db() { return db_.get(); }

 private:
  MemEnv env_;
  std::unique_ptr<DB> db_;
};

std::unique_ptr<Catalog> OpenCatalog(DB* db) {
  Result<std::unique_ptr<Catalog>> catalog = Catalog::Open(db);
  REQUIRE(catalog.ok());
  return std::move(catalog).value();
}

// The worked example of docs/format/catalog.md.
TableDef ExampleTable() {
  TableDef def;
  def.id = 1000;
  def.name = "t";
  def.columns.push_back(ColumnSchema{"id", Type::Of(TypeId::kInt4), true, std::nullopt, false});
  def.columns.push_back(ColumnSchema{"name", Type::Varchar(10), false, "'x'", false});
  def.primary_key.push_back(KeyPart{0, false});
  return def;
}

TableDef Table(std::string name, bool with_pk = true) {
  TableDef def;
  def.name = std::move(name);
  def.columns.push_back(ColumnSchema{"id", Type::Of(TypeId::kInt8), false, std::nullopt, false});
  def.columns.push_back(ColumnSchema{"note", Type::Of(TypeId::kText), false, std::nullopt, false});
  if (with_pk) {
    def.primary_key.push_back(KeyPart{0, false});
  }
  return def;
}

TEST_CASE("catalog: golden bytes of a table row") {
  const TableDef def = ExampleTable();
  CHECK(ToHex(TableCatalogKey(def.schema, def.name)) ==
        ToHex(Unhex("01 40 7075626c6963 0001 40 74 0001")));
  const std::string expected = Unhex(
      "01"                    // format version 1
      "e807"                  // table id 1000
      "06 7075626c6963"       // schema "public"
      "01 74"                 // name "t"
      "01"                    // schema version 1
      "02"                    // 2 columns
      "02 6964 04 00 01"      // "id" integer, no modifier, NOT NULL
      "04 6e616d65 0a 0b 04"  // "name" varchar(10), has default
      "03 277827"             // default text 'x'
      "01 00 00");            // primary key: column 0 ascending
  CHECK(ToHex(EncodeTableDef(def)) == ToHex(expected));
  Result<TableDef> back = DecodeTableDef(expected);
  REQUIRE(back.ok());
  CHECK(*back == def);
}

TEST_CASE("catalog: a table with an unconstrained NUMERIC key has table row version 2") {
  TableDef def;
  def.id = 1000;
  def.name = "t";
  def.columns.push_back(ColumnSchema{"n", Type::Of(TypeId::kNumeric), true, std::nullopt, false});
  def.primary_key.push_back(KeyPart{0, false});
  const std::string expected = Unhex(
      "02"               // version 2: the row values hold the NUMERIC key column too
      "e807"             // table id 1000
      "06 7075626c6963"  // schema "public"
      "01 74"            // name "t"
      "01"               // schema version 1
      "01"               // 1 column
      "01 6e 08 00 01"   // "n" numeric, no modifier, NOT NULL
      "01 00 00");       // primary key: column 0 ascending
  CHECK(ToHex(EncodeTableDef(def)) == ToHex(expected));
  Result<TableDef> back = DecodeTableDef(expected);
  REQUIRE(back.ok());
  CHECK(*back == def);
  // Version 1 of the same table: written before the layout, its rows lack the key column.
  std::string v1 = expected;
  v1[0] = 1;
  back = DecodeTableDef(v1);
  REQUIRE(back.ok());
  CHECK_FALSE(back->numeric_keys_in_value);
  CHECK(ToHex(EncodeTableDef(*back)) == ToHex(v1));
  // Version 2 is only for tables with such a key column; numeric(p, s) keeps its scale anyway.
  std::string other = EncodeTableDef(ExampleTable());
  other[0] = 2;
  CHECK(DecodeTableDef(other).status().IsCorruption());
  def.columns[0].type = Type::Numeric(10, 2);
  CHECK(EncodeTableDef(def)[0] == 1);
}

TEST_CASE("catalog: golden bytes of relation id, index and role rows") {
  CHECK(ToHex(RelationIdKey(1000)) == ToHex(Unhex("02 20 80000000000003e8")));
  CHECK(ToHex(EncodeRelationId(RelationKind::kTable, "t")) == ToHex(Unhex("01 01 01 74")));
  IndexDef index{1001, 1000, "public", "t_name", true, {KeyPart{1, true}}};
  CHECK(ToHex(IndexCatalogKey("public", "t_name")) ==
        ToHex(Unhex("03 40 7075626c6963 0001 40 745f6e616d65 0001")));
  const std::string index_value = Unhex("01 e907 e807 06 7075626c6963 06 745f6e616d65 01 01 01 01");
  CHECK(ToHex(EncodeIndexDef(index)) == ToHex(index_value));
  CHECK(*DecodeIndexDef(index_value) == index);
  RoleDef role{"alice", true, false, "SCRAM"};
  CHECK(ToHex(RoleCatalogKey("alice")) == ToHex(Unhex("04 40 616c696365 0001")));
  const std::string role_value = Unhex("01 05 616c696365 01 05 534352414d");
  CHECK(ToHex(EncodeRoleDef(role)) == ToHex(role_value));
  CHECK(*DecodeRoleDef(role_value) == role);
}

TEST_CASE("catalog: golden bytes of an identity range reservation") {
  // Table 1000, column 0, reservation 1: its number negated, so later ones sort first.
  const std::string prefix = IdentityRangePrefix(1000, 0);
  CHECK(ToHex(prefix) == ToHex(Unhex("05 20 80000000000003e8 20 8000000000000000")));
  const std::string key = IdentityRangeKey(1000, 0, 1);
  CHECK(ToHex(key) == ToHex(prefix + Unhex("20 7fffffffffffffff")));
  CHECK(IdentityRangeKey(1000, 0, 2) < key);
  CHECK(ToHex(IdentityRangeKey(1000, 0, 2)) == ToHex(prefix + Unhex("20 7ffffffffffffffe")));
  CHECK(ToHex(EncodeIdentityRange(1, 33)) == ToHex(Unhex("01 01 21")));
  const std::string value = Unhex("01 21 61");  // [33, 97)
  Result<IdentityRange> range = DecodeIdentityRange(prefix, IdentityRangeKey(1000, 0, 2), value);
  REQUIRE(range.ok());
  CHECK(range->number == 2);
  CHECK(range->first == 33);
  CHECK(range->end == 97);

  // Truncated, extended, empty or of another column: Corruption.
  for (size_t n = 0; n < value.size(); ++n) {
    CHECK(DecodeIdentityRange(prefix, key, value.substr(0, n)).status().IsCorruption());
  }
  CHECK(DecodeIdentityRange(prefix, key, value + "x").status().IsCorruption());
  CHECK(DecodeIdentityRange(prefix, key, EncodeIdentityRange(5, 5)).status().IsCorruption());
  CHECK(DecodeIdentityRange(prefix, key, Unhex("02 01 21")).status().IsCorruption());
  CHECK(DecodeIdentityRange(IdentityRangePrefix(1000, 1), key, value).status().IsCorruption());
  CHECK(DecodeIdentityRange(prefix, key + "x", value).status().IsCorruption());
  // Number 0 and negative numbers are never written.
  std::string zero = prefix;
  zero += Unhex("20 8000000000000000");
  CHECK(DecodeIdentityRange(prefix, zero, value).status().IsCorruption());
}

TEST_CASE("catalog: decoders reject truncated, extended and altered rows") {
  TableDef table = ExampleTable();
  table.columns.push_back(ColumnSchema{"n", Type::Numeric(10, 2), false, std::nullopt, true});
  const std::string encoded = EncodeTableDef(table);
  REQUIRE(*DecodeTableDef(encoded) == table);
  for (size_t n = 0; n < encoded.size(); ++n) {
    CHECK(DecodeTableDef(encoded.substr(0, n)).status().IsCorruption());
  }
  CHECK(DecodeTableDef(encoded + "x").status().IsCorruption());
  std::string bad_version = encoded;
  bad_version[0] = 2;
  CHECK(DecodeTableDef(bad_version).status().IsCorruption());
  const std::string role = EncodeRoleDef(RoleDef{"r", false, true, ""});
  for (size_t n = 0; n < role.size(); ++n) {
    CHECK(DecodeRoleDef(role.substr(0, n)).status().IsCorruption());
  }
  // A primary key naming a column past the end.
  TableDef bad_pk = ExampleTable();
  bad_pk.primary_key[0].column = 7;
  CHECK(DecodeTableDef(EncodeTableDef(bad_pk)).status().IsCorruption());
}

TEST_CASE("catalog: create, look up, reload after reopen") {
  TestDb test;
  {
    auto catalog = OpenCatalog(test.db());
    CHECK(catalog->NextRelationId() == kFirstUserRelationId);
    bool created = false;
    auto a = catalog->CreateTable(Table("a"), false, &created);
    REQUIRE(a.ok());
    CHECK(created);
    CHECK((*a)->id == 1000);
    CHECK((*a)->columns[0].not_null);  // primary-key columns become NOT NULL
    auto b = catalog->CreateTable(Table("b", false), false);
    REQUIRE(b.ok());
    CHECK((*b)->id == 1001);
    CHECK((*b)->has_hidden_row_id());
    IndexDef index;
    index.table_id = 1000;
    index.name = "a_note";
    index.columns = {KeyPart{1, true}};
    auto idx = catalog->CreateIndex(index, false);
    REQUIRE(idx.ok());
    CHECK((*idx)->id == 1002);
    REQUIRE(catalog->CreateRole(RoleDef{"alice", true, false, "v"}, false).ok());
    CHECK(catalog->FindTable("a") == *a);
    CHECK(catalog->FindTableById(1001) == *b);
    CHECK(catalog->FindTable("missing") == nullptr);
    CHECK(catalog->FindTable("a", "other") == nullptr);
  }
  test.Reopen();
  auto catalog = OpenCatalog(test.db());
  auto a = catalog->FindTable("a");
  REQUIRE(a != nullptr);
  CHECK(a->id == 1000);
  CHECK(a->columns.size() == 2);
  CHECK(catalog->FindTableById(1001)->name == "b");
  auto indexes = catalog->IndexesOf(1000);
  REQUIRE(indexes.size() == 1);
  CHECK(indexes[0]->name == "a_note");
  CHECK(indexes[0]->columns[0].descending);
  CHECK(catalog->FindIndex("a_note")->id == 1002);
  REQUIRE(catalog->FindRole("alice") != nullptr);
  CHECK(catalog->FindRole("alice")->scram_verifier == "v");
  CHECK(catalog->NextRelationId() == 1003);
  CHECK(catalog->Tables().size() == 2);
}

TEST_CASE("catalog: duplicate names give 42P07 unless IF NOT EXISTS") {
  TestDb test;
  auto catalog = OpenCatalog(test.db());
  auto first = catalog->CreateTable(Table("t"), false);
  REQUIRE(first.ok());
  auto again = catalog->CreateTable(Table("t"), false);
  CHECK(again.status().sqlstate() == "42P07");
  CHECK(again.status().message() == "relation \"t\" already exists");
  bool created = true;
  auto existing = catalog->CreateTable(Table("t"), true, &created);
  REQUIRE(existing.ok());
  CHECK(!created);
  CHECK(*existing == *first);
  IndexDef index{0, (*first)->id, "public", "t", false, {KeyPart{1, false}}};
  CHECK(catalog->CreateIndex(index, false).status().sqlstate() == "42P07");
  index.name = "t_i";
  REQUIRE(catalog->CreateIndex(index, false).ok());
  CHECK(catalog->CreateIndex(index, false).status().sqlstate() == "42P07");
  CHECK(catalog->CreateIndex(index, true).ok());
  CHECK(catalog->CreateTable(Table("t_i"), false).status().sqlstate() == "42P07");
  REQUIRE(catalog->CreateRole(RoleDef{"r", false, false, ""}, false).ok());
  CHECK(catalog->CreateRole(RoleDef{"r", false, false, ""}, false).sqlstate() == "42710");
  CHECK(catalog->CreateRole(RoleDef{"r", false, false, ""}, true).ok());
  CHECK(catalog->NextRelationId() == 1002);  // failed attempts consumed no id
}

TEST_CASE("catalog concurrency: two creators of one name: exactly one winner") {
  TestDb test;
  for (int round = 0; round < 20; ++round) {
    // Two Catalogs on one DB stand for two sessions whose caches both lack the table.
    auto c1 = OpenCatalog(test.db());
    auto c2 = OpenCatalog(test.db());
    std::string name = "t";  // appended rather than concatenated: g++ 12 -Wrestrict false positive
    name += std::to_string(round);
    Status s1;
    Status s2;
    std::thread t1([&] { s1 = c1->CreateTable(Table(name), false).TakeStatus(); });
    std::thread t2([&] { s2 = c2->CreateTable(Table(name), false).TakeStatus(); });
    t1.join();
    t2.join();
    CHECK(s1.ok() != s2.ok());
    const Status& loser = s1.ok() ? s2 : s1;
    CHECK(loser.sqlstate() == "42P07");
    auto reloaded = OpenCatalog(test.db());
    CHECK(reloaded->Tables().size() == static_cast<size_t>(round + 1));
  }
}

TEST_CASE("catalog concurrency: IF NOT EXISTS twice at once, both succeed, one creates") {
  TestDb test;
  for (int round = 0; round < 10; ++round) {
    auto c1 = OpenCatalog(test.db());
    auto c2 = OpenCatalog(test.db());
    std::string name = "t";
    name += std::to_string(round);
    bool created1 = false;
    bool created2 = false;
    Result<std::shared_ptr<const TableDef>> r1 = Status::Aborted("not run");
    Result<std::shared_ptr<const TableDef>> r2 = Status::Aborted("not run");
    std::thread t1([&] { r1 = c1->CreateTable(Table(name), true, &created1); });
    std::thread t2([&] { r2 = c2->CreateTable(Table(name), true, &created2); });
    t1.join();
    t2.join();
    REQUIRE(r1.ok());
    REQUIRE(r2.ok());
    CHECK(created1 != created2);
    CHECK(**r1 == **r2);
  }
}

TEST_CASE("catalog concurrency: creators of different names get distinct ids") {
  TestDb test;
  auto c1 = OpenCatalog(test.db());
  auto c2 = OpenCatalog(test.db());
  constexpr int kPerThread = 15;
  std::atomic<int> failures{0};
  auto create = [&](Catalog* catalog, const std::string& prefix) {
    for (int i = 0; i < kPerThread; ++i) {
      if (!catalog->CreateTable(Table(prefix + std::to_string(i)), false).ok()) {
        ++failures;
      }
    }
  };
  std::thread t1(create, c1.get(), "x");
  std::thread t2(create, c2.get(), "y");
  t1.join();
  t2.join();
  CHECK(failures == 0);
  auto reloaded = OpenCatalog(test.db());
  auto tables = reloaded->Tables();
  REQUIRE(tables.size() == 2 * kPerThread);
  // Dense: no id lost, none shared; only 1023, whose key prefix would start with 0xff, skipped.
  uint64_t expected = kFirstUserRelationId;
  for (size_t i = 0; i < tables.size(); ++i, ++expected) {
    if (expected == 1023) ++expected;
    CHECK(tables[i]->id == expected);
  }
}

TEST_CASE("catalog: a malformed catalog row stops Open with Corruption") {
  TestDb test;
  WriteBatch batch;
  batch.Insert(TableCatalogKey("public", "bad"), "\x01\xe8");  // truncated after the id
  REQUIRE(test.db()->Write(batch).ok());
  CHECK(Catalog::Open(test.db()).status().IsCorruption());
}

TEST_CASE("catalog: invalid definitions") {
  TestDb test;
  auto catalog = OpenCatalog(test.db());
  TableDef dup = Table("d");
  dup.columns.push_back(dup.columns[0]);
  CHECK(catalog->CreateTable(dup, false).status().sqlstate() == "42701");
  TableDef json_pk = Table("j");
  json_pk.columns[0].type = Type::Of(TypeId::kJsonb);
  CHECK(catalog->CreateTable(json_pk, false).status().sqlstate() == "0A000");
  TableDef bad_pk = Table("p");
  bad_pk.primary_key[0].column = 9;
  CHECK(catalog->CreateTable(bad_pk, false).status().sqlstate() == "42P16");
  IndexDef orphan{0, 4242, "public", "i", false, {KeyPart{0, false}}};
  CHECK(catalog->CreateIndex(orphan, false).status().sqlstate() == "42P01");
  CHECK(catalog->Tables().empty());
  CHECK(catalog->NextRelationId() == kFirstUserRelationId);
}

}  // namespace
}  // namespace blockdb::sql
