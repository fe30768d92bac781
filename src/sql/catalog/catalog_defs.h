// Catalog entries: the definitions of tables, indexes and roles that the binder and the storage
// layer read. Plain values, copyable and thread-compatible; the Catalog (catalog.h) hands them out
// as shared_ptr<const ...> so that a reader keeps a consistent definition while DDL proceeds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sql/types/type.h"

namespace blockdb::sql {

// The only schema BlockDB has so far.
inline constexpr char kPublicSchema[] = "public";

// Reserved catalog table ids (the first varint of every catalog key; docs/format/catalog.md).
inline constexpr uint64_t kCatalogTablesId = 1;     // tables by (schema, name)
inline constexpr uint64_t kCatalogRelationIds = 2;  // relation id claims (tables and indexes)
inline constexpr uint64_t kCatalogIndexesId = 3;    // indexes by (schema, name)
inline constexpr uint64_t kCatalogRolesId = 4;      // roles by name
// Identity value ranges reserved by writers (sql/exec/identity.h). Outside the catalog's key
// range: a reservation changes no definition, so it does not make the catalog reload.
inline constexpr uint64_t kIdentityRangesId = 5;
// Table and index ids share one space (their keys share the engine's key space) from here on.
inline constexpr uint64_t kFirstUserRelationId = 1000;

struct ColumnSchema {
  std::string name;
  Type type;
  bool not_null = false;
  // Text of the DEFAULT expression as written (re-parsed by the binder); empty when none.
  std::optional<std::string> default_expr;
  bool identity = false;  // GENERATED ... AS IDENTITY, or a serial type
  // GENERATED ALWAYS AS IDENTITY: an INSERT may not give a value (428C9) unless it says
  // OVERRIDING SYSTEM VALUE.
  bool identity_always = false;

  bool operator==(const ColumnSchema&) const = default;
};

// One column of a primary key or an index: a position in TableDef::columns and its order.
struct KeyPart {
  uint32_t column = 0;
  bool descending = false;

  bool operator==(const KeyPart&) const = default;
};

struct TableDef {
  uint64_t id = 0;  // assigned by Catalog::CreateTable
  std::string schema = kPublicSchema;
  std::string name;  // as folded by the parser
  uint32_t schema_version = 1;
  std::vector<ColumnSchema> columns;
  // Empty: the table has no primary key and rows are keyed by a hidden row id.
  std::vector<KeyPart> primary_key;
  // Row layout (docs/format/row.md): whether the row value also holds the primary-key columns
  // of unconstrained NUMERIC, whose key form drops the display scale (1.0 would read back as 1).
  // True for every table created now; false only for a table with such a key column whose
  // catalog row has version 1, written before the row value held them.
  bool numeric_keys_in_value = true;

  bool has_hidden_row_id() const { return primary_key.empty(); }
  // Position of the column named `name`, or nullopt.
  std::optional<uint32_t> FindColumn(std::string_view column_name) const;
  // Whether the primary key has an unconstrained NUMERIC column.
  bool HasScaleFreeNumericKey() const;
  // Whether column `column` is stored in the row value: every column not in the primary key,
  // and unconstrained NUMERIC key columns when numeric_keys_in_value.
  bool StoredInRowValue(uint32_t column) const;

  bool operator==(const TableDef&) const = default;
};

struct IndexDef {
  uint64_t id = 0;  // assigned by Catalog::CreateIndex
  uint64_t table_id = 0;
  std::string schema = kPublicSchema;
  std::string name;
  bool unique = false;
  std::vector<KeyPart> columns;  // positions in the table's columns

  bool operator==(const IndexDef&) const = default;
};

struct RoleDef {
  std::string name;
  bool login = false;
  bool superuser = false;
  // SCRAM-SHA-256 verifier as PostgreSQL stores it in pg_authid.rolpassword; empty for none.
  std::string scram_verifier;

  bool operator==(const RoleDef&) const = default;
};

}  // namespace blockdb::sql
