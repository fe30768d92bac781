// Shared pieces of the catalog relations (catalog_relations.cc, catalog_tables.cc,
// catalog_info_schema.cc). Not for use elsewhere.
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "sql/exec/catalog_relations.h"

namespace blockdb::sql::exec::catalog_internal {

// One row of pg_type.
struct PgType {
  int64_t oid;
  const char* name;      // typname
  const char* sql_name;  // format_type()
  int16_t len;
  bool byval;
  char category;
  bool preferred;
  int64_t array;  // the array type's OID (0: none)
  char align;
  char storage;
  int64_t collation;
  const char* io;  // prefix of the I/O functions: "int4" -> int4in, int4out...
};
const std::vector<PgType>& PgTypes();
const PgType* FindPgType(int64_t oid);
// The element type of array type `oid`, or null.
const PgType* FindPgArrayType(int64_t oid);

// The catalog's roles plus the bootstrap role when the catalog has none of its name.
std::vector<std::shared_ptr<const RoleDef>> AllRoles(const Catalog& catalog);

// An index as the catalogs show it: the primary key (`<table>_pkey`) first, then the catalog's.
struct RelIndex {
  int64_t oid;
  std::string name;
  bool unique;
  bool primary;
  std::vector<KeyPart> columns;
  int64_t constraint_oid;  // 0 when the index backs no constraint
};
std::vector<RelIndex> IndexesOfTable(const Catalog& catalog, const TableDef& table);
// A unique index created for a UNIQUE constraint (named `<table>_<columns>_key`).
bool IsUniqueConstraint(const IndexDef& index);
// "a, b DESC" and "1 2" (sep " ") or "1,2" (sep ",").
std::string KeyColumnNames(const TableDef& table, const std::vector<KeyPart>& parts);
std::string KeyColumnNumbers(const std::vector<KeyPart>& parts, const char* sep);

// A column's DEFAULT as pg_get_expr shows it: a string literal for a text column gets its cast
// ('x'::character varying), anything else is the text as written.
std::string DefaultText(const ColumnSchema& column);

struct ColSpec {
  const char* name;
  TypeId type;
  uint32_t type_oid = 0;  // ScopeColumn::type_oid: the PostgreSQL type of an array in text form
};
inline constexpr uint32_t kInt2VectorOid = 22;
inline constexpr uint32_t kOidVectorOid = 30;
inline constexpr uint32_t kInt2ArrayOid = 1005;
inline constexpr uint32_t kTextArrayOid = 1009;
inline constexpr uint32_t kOidArrayOid = 1028;
VirtualRelation Relation(std::initializer_list<ColSpec> cols);
Value Oid(int64_t v);
Value Text(std::string s);
Value NullOf(TypeId t);

inline constexpr TypeId kOid = TypeId::kInt8;
inline constexpr TypeId kName = TypeId::kText;
inline constexpr TypeId kBool = TypeId::kBool;
inline constexpr TypeId kI2 = TypeId::kInt2;
inline constexpr TypeId kI4 = TypeId::kInt4;
inline constexpr TypeId kText = TypeId::kText;

// pg_tables, pg_views, pg_stat_user_tables, pg_collation, pg_tablespace, pg_proc,
// pg_description (catalog_more_tables.cc), and the relations with columns but no rows (nullopt for
// other names).
VirtualRelation PgTables(PlanContext& ctx);
VirtualRelation PgViews(PlanContext& ctx);
VirtualRelation PgStatUserTables(PlanContext& ctx);
VirtualRelation PgCollation(PlanContext& ctx);
VirtualRelation PgTablespace(PlanContext& ctx);
VirtualRelation PgProc(PlanContext& ctx);
VirtualRelation PgDescription(PlanContext& ctx);
std::optional<VirtualRelation> EmptyTable(std::string_view name);

// pg_catalog (catalog_tables.cc); nullopt for other names.
std::optional<VirtualRelation> PgCatalogTable(std::string_view name, PlanContext& ctx);
// information_schema (catalog_info_schema.cc); nullopt for other names.
std::optional<VirtualRelation> InfoSchemaTable(std::string_view name, PlanContext& ctx);

}  // namespace blockdb::sql::exec::catalog_internal
