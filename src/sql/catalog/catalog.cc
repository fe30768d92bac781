#include "sql/catalog/catalog.h"

#include <mutex>
#include <set>

#include "common/coding.h"
#include "engine/write_batch.h"
#include "sql/catalog/catalog_codec.h"
#include "sql/types/key_codec.h"

namespace blockdb::sql {
namespace {

// Retries after losing an id race; each retry sees at least one more relation, so this bounds
// only pathological contention.
constexpr int kMaxIdAttempts = 64;

Status DuplicateTable(std::string_view name) {
  return Status::DuplicateKey("relation \"" + std::string(name) + "\" already exists")
      .WithSqlState(kSqlStateDuplicateTable);
}

Status InvalidDefinition(std::string msg) {
  return Status::InvalidArgument(std::move(msg)).WithSqlState(kSqlStateInvalidTableDefinition);
}

// Checks that parts name distinct existing columns whose types can be key columns.
Status ValidateKeyParts(const std::vector<KeyPart>& parts, const TableDef& table,
                        std::string_view what) {
  std::set<uint32_t> seen;
  for (const KeyPart& p : parts) {
    if (p.column >= table.columns.size()) {
      return InvalidDefinition(std::string(what) + " names a column that does not exist");
    }
    if (!seen.insert(p.column).second) {
      return Status::InvalidArgument("column \"" + table.columns[p.column].name +
                                     "\" appears twice in " + std::string(what))
          .WithSqlState(kSqlStateDuplicateColumn);
    }
    RETURN_IF_ERROR(CheckKeyType(table.columns[p.column].type));
  }
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<Catalog>> Catalog::Open(DB* db) {
  std::unique_ptr<Catalog> catalog(new Catalog(db));
  RETURN_IF_ERROR(catalog->Reload());
  return catalog;
}

Status Catalog::Reload() {
  std::unique_ptr<Iterator> it = db_->NewIterator(db_->AppliedIndex());
  const std::string end = CatalogRangeEnd();
  for (it->Seek(CatalogRangeBegin()); it->Valid() && it->key() < end; it->Next()) {
    ASSIGN_OR_RETURN(uint64_t table, CatalogKeyTable(it->key()));
    if (table == kCatalogTablesId) {
      ASSIGN_OR_RETURN(TableDef def, DecodeTableDef(it->value()));
      AddTable(std::move(def));
    } else if (table == kCatalogRelationIds) {
      ASSIGN_OR_RETURN(uint64_t id, DecodeRelationIdKey(it->key()));
      std::unique_lock lock(mu_);
      max_relation_id_ = std::max(max_relation_id_, id);
    } else if (table == kCatalogIndexesId) {
      ASSIGN_OR_RETURN(IndexDef def, DecodeIndexDef(it->value()));
      AddIndex(std::move(def));
    } else if (table == kCatalogRolesId) {
      ASSIGN_OR_RETURN(RoleDef def, DecodeRoleDef(it->value()));
      AddRole(std::move(def));
    }
  }
  return it->status();
}

void Catalog::AddTable(TableDef def) {
  std::unique_lock lock(mu_);
  version_.fetch_add(1, std::memory_order_release);
  max_relation_id_ = std::max(max_relation_id_, def.id);
  auto shared = std::make_shared<const TableDef>(std::move(def));
  tables_.try_emplace(Name(shared->schema, shared->name), shared);
  tables_by_id_.try_emplace(shared->id, shared);
}

void Catalog::AddIndex(IndexDef def) {
  std::unique_lock lock(mu_);
  version_.fetch_add(1, std::memory_order_release);
  max_relation_id_ = std::max(max_relation_id_, def.id);
  auto shared = std::make_shared<const IndexDef>(std::move(def));
  indexes_.try_emplace(Name(shared->schema, shared->name), shared);
  indexes_by_id_.try_emplace(shared->id, shared);
}

void Catalog::AddRole(RoleDef def) {
  auto shared = std::make_shared<const RoleDef>(std::move(def));
  std::unique_lock lock(mu_);
  version_.fetch_add(1, std::memory_order_release);
  roles_.try_emplace(shared->name, shared);
}

Result<uint64_t> Catalog::WriteWithId(std::string key_row, std::string value_row, uint64_t id,
                                      std::string claim) {
  WriteBatch batch;
  batch.Insert(key_row, value_row);
  batch.Insert(RelationIdKey(id), claim);
  return db_->Write(batch);
}

Status Catalog::ValidateTable(const TableDef& def) const {
  std::set<std::string_view> names;
  for (const ColumnSchema& c : def.columns) {
    if (!names.insert(c.name).second) {
      return Status::InvalidArgument("column \"" + c.name + "\" specified more than once")
          .WithSqlState(kSqlStateDuplicateColumn);
    }
  }
  return ValidateKeyParts(def.primary_key, def, "primary key");
}

Result<std::shared_ptr<const TableDef>> Catalog::CreateTable(TableDef def, bool if_not_exists,
                                                             bool* created) {
  if (created != nullptr) {
    *created = false;
  }
  RETURN_IF_ERROR(ValidateTable(def));
  for (const KeyPart& p : def.primary_key) {
    def.columns[p.column].not_null = true;
  }
  for (int attempt = 0; attempt < kMaxIdAttempts; ++attempt) {
    if (auto existing = FindTable(def.name, def.schema)) {
      if (!if_not_exists) {
        return DuplicateTable(def.name);
      }
      return existing;
    }
    if (FindIndex(def.name, def.schema) != nullptr) {
      return DuplicateTable(def.name);
    }
    def.id = NextRelationId();
    Result<uint64_t> written =
        WriteWithId(TableCatalogKey(def.schema, def.name), EncodeTableDef(def), def.id,
                    EncodeRelationId(RelationKind::kTable, def.name));
    if (written.ok()) {
      AddTable(def);
      if (created != nullptr) {
        *created = true;
      }
      return FindTableById(def.id);
    }
    if (!written.status().IsDuplicateKey()) {
      return written.TakeStatus();
    }
    // Another creator won the name or the id: learn what it wrote, then decide again.
    RETURN_IF_ERROR(Reload());
  }
  return Status::Busy("could not allocate a relation id for \"" + def.name + "\"");
}

Status Catalog::ValidateIndex(const IndexDef& def, const TableDef& table) const {
  if (def.columns.empty()) {
    return InvalidDefinition("index \"" + def.name + "\" has no columns");
  }
  return ValidateKeyParts(def.columns, table, "index \"" + def.name + "\"");
}

Result<std::shared_ptr<const IndexDef>> Catalog::CreateIndex(IndexDef def, bool if_not_exists,
                                                             bool* created) {
  if (created != nullptr) {
    *created = false;
  }
  std::shared_ptr<const TableDef> table = FindTableById(def.table_id);
  if (table == nullptr) {
    return Status::NotFound("relation with id " + std::to_string(def.table_id) + " does not exist")
        .WithSqlState(kSqlStateUndefinedTable);
  }
  RETURN_IF_ERROR(ValidateIndex(def, *table));
  for (int attempt = 0; attempt < kMaxIdAttempts; ++attempt) {
    if (auto existing = FindIndex(def.name, def.schema)) {
      if (!if_not_exists) {
        return DuplicateTable(def.name);
      }
      return existing;
    }
    if (FindTable(def.name, def.schema) != nullptr) {
      return DuplicateTable(def.name);
    }
    def.id = NextRelationId();
    Result<uint64_t> written =
        WriteWithId(IndexCatalogKey(def.schema, def.name), EncodeIndexDef(def), def.id,
                    EncodeRelationId(RelationKind::kIndex, def.name));
    if (written.ok()) {
      AddIndex(def);
      if (created != nullptr) {
        *created = true;
      }
      return FindIndexById(def.id);
    }
    if (!written.status().IsDuplicateKey()) {
      return written.TakeStatus();
    }
    RETURN_IF_ERROR(Reload());
  }
  return Status::Busy("could not allocate a relation id for \"" + def.name + "\"");
}

Status Catalog::CreateRole(RoleDef def, bool if_not_exists) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (FindRole(def.name) != nullptr) {
      if (if_not_exists) {
        return Status::OK();
      }
      return Status::DuplicateKey("role \"" + def.name + "\" already exists")
          .WithSqlState(kSqlStateDuplicateObject);
    }
    WriteBatch batch;
    batch.Insert(RoleCatalogKey(def.name), EncodeRoleDef(def));
    Result<uint64_t> written = db_->Write(batch);
    if (written.ok()) {
      AddRole(std::move(def));
      return Status::OK();
    }
    if (!written.status().IsDuplicateKey()) {
      return written.TakeStatus();
    }
    // Only the name row can collide: after the reload the role is known.
    RETURN_IF_ERROR(Reload());
  }
  return Status::DuplicateKey("role \"" + def.name + "\" already exists")
      .WithSqlState(kSqlStateDuplicateObject);
}

std::shared_ptr<const TableDef> Catalog::FindTable(std::string_view name,
                                                   std::string_view schema) const {
  std::shared_lock lock(mu_);
  auto it = tables_.find(Name(schema, name));
  return it == tables_.end() ? nullptr : it->second;
}

std::shared_ptr<const TableDef> Catalog::FindTableById(uint64_t id) const {
  std::shared_lock lock(mu_);
  auto it = tables_by_id_.find(id);
  return it == tables_by_id_.end() ? nullptr : it->second;
}

std::shared_ptr<const IndexDef> Catalog::FindIndex(std::string_view name,
                                                   std::string_view schema) const {
  std::shared_lock lock(mu_);
  auto it = indexes_.find(Name(schema, name));
  return it == indexes_.end() ? nullptr : it->second;
}

std::shared_ptr<const IndexDef> Catalog::FindIndexById(uint64_t id) const {
  std::shared_lock lock(mu_);
  auto it = indexes_by_id_.find(id);
  return it == indexes_by_id_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const IndexDef>> Catalog::IndexesOf(uint64_t table_id) const {
  std::shared_lock lock(mu_);
  std::vector<std::shared_ptr<const IndexDef>> out;
  for (const auto& [id, index] : indexes_by_id_) {
    if (index->table_id == table_id) {
      out.push_back(index);
    }
  }
  return out;
}

std::shared_ptr<const RoleDef> Catalog::FindRole(std::string_view name) const {
  std::shared_lock lock(mu_);
  auto it = roles_.find(name);
  return it == roles_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const TableDef>> Catalog::Tables() const {
  std::shared_lock lock(mu_);
  std::vector<std::shared_ptr<const TableDef>> out;
  for (const auto& [id, table] : tables_by_id_) {
    out.push_back(table);
  }
  return out;
}

std::vector<std::shared_ptr<const RoleDef>> Catalog::Roles() const {
  std::shared_lock lock(mu_);
  std::vector<std::shared_ptr<const RoleDef>> out;
  for (const auto& [name, role] : roles_) {
    out.push_back(role);
  }
  return out;
}

namespace {

// Every key of a relation starts with varint(id) (docs/format/catalog.md, Reserved ids). The ids
// whose varint starts with the engine's reserved byte 0xff (128 and up with their low seven bits
// all set: 1023, 1151, 1279...) could hold no row, so they are never handed out.
bool UsableRelationId(uint64_t id) {
  std::string prefix;
  PutVarint64(&prefix, id);
  return !IsInternalKey(prefix);
}

}  // namespace

uint64_t Catalog::NextRelationId() const {
  std::shared_lock lock(mu_);
  uint64_t id = max_relation_id_ + 1;
  while (!UsableRelationId(id)) ++id;
  return id;
}

}  // namespace blockdb::sql
