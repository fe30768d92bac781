// Catalog: the tables, indexes and roles of a database, stored as catalog rows in the engine
// (catalog_codec.h, docs/format/catalog.md) and cached in memory.
//
// DDL writes catalog rows through DB::Write, so a schema change is one log record and one ledger
// entry like any insert. Ids are allocated deterministically: the next relation id is the largest
// existing one + 1 (at least kFirstUserRelationId), and the id is claimed by a relation-id row
// written in the same batch. The engine's insert-if-absent settles races: of two concurrent
// CREATE TABLE of one name exactly one succeeds and the other gets 42P07; two creators of
// different names that picked the same id see DuplicateKey on the id row, and the loser reloads
// the catalog and retries with the next id.
//
// Thread safety: every method may be called from any thread. Returned definitions are immutable
// and stay valid for as long as the caller holds them.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "engine/db.h"
#include "sql/catalog/catalog_defs.h"

namespace blockdb::sql {

inline constexpr char kSqlStateDuplicateTable[] = "42P07";
inline constexpr char kSqlStateUndefinedTable[] = "42P01";
inline constexpr char kSqlStateDuplicateObject[] = "42710";
inline constexpr char kSqlStateDuplicateColumn[] = "42701";
inline constexpr char kSqlStateUndefinedColumn[] = "42703";
inline constexpr char kSqlStateInvalidTableDefinition[] = "42P16";

class Catalog {
 public:
  // Loads every catalog row visible at the DB's applied index. `db` is not owned and must
  // outlive the Catalog. Errors: the engine's, or Corruption for a malformed catalog row.
  static Result<std::unique_ptr<Catalog>> Open(DB* db);

  // Creates table `def` (its id is assigned; PK columns become NOT NULL) and returns the stored
  // definition. *created (when non-null) tells whether this call created it. Errors: 42P07
  // `relation "t" already exists` (unless if_not_exists, which returns the existing table with
  // *created = false), 42701 for a repeated column name, 42P16 for a bad primary key, 0A000 for
  // a primary-key column whose type cannot be a key, the engine's write errors.
  Result<std::shared_ptr<const TableDef>> CreateTable(TableDef def, bool if_not_exists,
                                                      bool* created = nullptr);

  // Creates index `def` on the table with id def.table_id (its id is assigned). Errors: 42P07
  // when a table or index of that name exists (unless if_not_exists), 42P01 for an unknown
  // table, 42P16 for a bad column list, 0A000 for a column type that cannot be a key.
  Result<std::shared_ptr<const IndexDef>> CreateIndex(IndexDef def, bool if_not_exists,
                                                      bool* created = nullptr);

  // Creates role `def`. 42710 `role "r" already exists` unless if_not_exists.
  Status CreateRole(RoleDef def, bool if_not_exists);

  // Lookups by name (as folded by the parser) and by id; null when absent.
  std::shared_ptr<const TableDef> FindTable(std::string_view name,
                                            std::string_view schema = kPublicSchema) const;
  std::shared_ptr<const TableDef> FindTableById(uint64_t id) const;
  std::shared_ptr<const IndexDef> FindIndex(std::string_view name,
                                            std::string_view schema = kPublicSchema) const;
  std::shared_ptr<const IndexDef> FindIndexById(uint64_t id) const;
  // The indexes of a table, by increasing id.
  std::vector<std::shared_ptr<const IndexDef>> IndexesOf(uint64_t table_id) const;
  std::shared_ptr<const RoleDef> FindRole(std::string_view name) const;
  std::vector<std::shared_ptr<const TableDef>> Tables() const;
  // Every role, by name.
  std::vector<std::shared_ptr<const RoleDef>> Roles() const;

  // The id the next CREATE TABLE or CREATE INDEX will try.
  uint64_t NextRelationId() const;

  // Changes each time a table, index or role is added (here or by Reload): a plan made when
  // it had another value may no longer be the one the catalog calls for now.
  uint64_t version() const { return version_.load(std::memory_order_acquire); }
  // Merges in catalog rows written since the last load (by another Catalog on the same DB).
  // Catalog rows are never removed, so merging is all a reload needs.
  Status Reload();

 private:
  using Name = std::pair<std::string, std::string>;  // (schema, name)

  explicit Catalog(DB* db) : db_(db) {}

  // Writes the catalog row (key_row, value_row) plus the claim of relation id `id`. DuplicateKey
  // when either exists; on that error the caller reloads and retries.
  Result<uint64_t> WriteWithId(std::string key_row, std::string value_row, uint64_t id,
                               std::string claim);
  Status ValidateTable(const TableDef& def) const;
  Status ValidateIndex(const IndexDef& def, const TableDef& table) const;
  void AddTable(TableDef def);
  void AddIndex(IndexDef def);
  void AddRole(RoleDef def);

  DB* const db_;
  mutable std::shared_mutex mu_;
  std::map<Name, std::shared_ptr<const TableDef>> tables_;                    // GUARDED_BY(mu_)
  std::map<uint64_t, std::shared_ptr<const TableDef>> tables_by_id_;          // GUARDED_BY(mu_)
  std::map<Name, std::shared_ptr<const IndexDef>> indexes_;                   // GUARDED_BY(mu_)
  std::map<uint64_t, std::shared_ptr<const IndexDef>> indexes_by_id_;         // GUARDED_BY(mu_)
  std::map<std::string, std::shared_ptr<const RoleDef>, std::less<>> roles_;  // GUARDED_BY(mu_)
  uint64_t max_relation_id_ = kFirstUserRelationId - 1;                       // GUARDED_BY(mu_)
  std::atomic<uint64_t> version_{0};
};

}  // namespace blockdb::sql
