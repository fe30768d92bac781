// PostgreSQL's system catalogs over BlockDB's catalog: pg_catalog.pg_class, pg_attribute,
// pg_type, ... and information_schema.tables, columns, ... as virtual relations with
// PostgreSQL 15's column names, computed from the Catalog when a statement is planned and then
// read by the ordinary executor (joins, WHERE, ORDER BY). docs/SQL.md "System catalogs" lists
// them and what their values mean in BlockDB.
//
// Object ids: a table's or index's OID is its catalog relation id (>= 1000, fixed for its
// lifetime); the primary key, which BlockDB stores as the row key rather than as an index, shows
// as the index `<table>_pkey` with OID kPkeyIndexOidBase + table id; constraints have OIDs
// kConstraintOidBase + (table id for a primary key, index id for a unique constraint). Roles:
// the bootstrap role has OID 10, others an OID derived from their name. OID columns have type
// bigint, name columns text, arrays (indkey, conkey...) their PostgreSQL text form.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sql/catalog/catalog.h"
#include "sql/exec/planner.h"

namespace blockdb::sql::exec {

inline constexpr int64_t kPgCatalogNamespaceOid = 11;
inline constexpr int64_t kPublicNamespaceOid = 2200;
inline constexpr int64_t kInformationSchemaNamespaceOid = 13000;
inline constexpr int64_t kBootstrapRoleOid = 10;
inline constexpr int64_t kDatabaseOwnerRoleOid = 6171;  // pg_database_owner, owns public
inline constexpr int64_t kDatabaseOid = 16384;
inline constexpr int64_t kBlocksViewOid = 900;  // blockdb_blocks, shown as a view
inline constexpr int64_t kPkeyIndexOidBase = 2000000000;
inline constexpr int64_t kConstraintOidBase = 2100000000;
inline constexpr int64_t kHeapAmOid = 2;
inline constexpr int64_t kBtreeAmOid = 403;
// The bootstrap role's name when no role of the session's name exists in the catalog.
inline constexpr char kBootstrapRole[] = "blockdb";

// The relation `schema.name` of pg_catalog or information_schema; nullopt when it is not one.
// An empty schema searches pg_catalog only (PostgreSQL's search_path puts it first).
Result<std::optional<VirtualRelation>> CatalogTable(std::string_view schema, std::string_view name,
                                                    PlanContext& ctx);

// Set-returning catalog functions in FROM (pg_get_keywords()); nullopt for other names.
Result<std::optional<VirtualRelation>> CatalogFunction(const FunctionExpr& call, PlanContext& ctx);

// generate_series(start, stop [, step]) over integers in FROM. Its arguments may read an
// enclosing query's row (in a correlated subquery), so they are evaluated each time the scan
// starts. nullopt when `call` is another function.
struct SeriesScan {
  ScopeColumn column;
  RowSourcePtr source;
};
Result<std::optional<SeriesScan>> GenerateSeries(const FunctionExpr& call, PlanContext& ctx);

// unnest(array) in FROM over an array in text form: one text row per element.
Result<std::optional<SeriesScan>> Unnest(const FunctionExpr& call, PlanContext& ctx);
// A scalar function in FROM (string_to_array(...) s): one row, one column named after the
// function. Its arguments cannot read other FROM items.
Result<SeriesScan> ScalarFunctionScan(const FunctionExpr& call, PlanContext& ctx);
// The elements of an array's text form ("{a,b}" gives a, b; int2vector's "1 2" gives 1, 2).
std::vector<std::string> ArrayTextItems(std::string_view array);

// BlockDB's ledger functions as pg_proc shows them (OIDs 901...).
struct LedgerProc {
  int64_t oid;
  const char* name;
  const char* arguments;  // pg_get_function_arguments
  const char* result;     // pg_get_function_result
  int nargs;
};
const std::vector<LedgerProc>& LedgerProcs();
const LedgerProc* FindLedgerProc(int64_t oid);

// The OID of role `name`.
int64_t RoleOid(std::string_view name);
// The name of the role with OID `oid`, or nullopt.
std::optional<std::string> RoleName(const Catalog& catalog, int64_t oid,
                                    std::string_view session_user);
// format_type(oid, typmod) (typmod < 0: none); nullopt for an OID no type has.
std::optional<std::string> FormatTypeOid(int64_t oid, int32_t typmod);
// The type OID named `name` (regtype input: "integer", "int4", "pg_catalog.text"...), or
// nullopt.
std::optional<int64_t> TypeOidByName(std::string_view name);
// The name of the relation with OID `oid` (tables, indexes, primary keys, blockdb_blocks).
std::optional<std::string> RelationName(const Catalog& catalog, int64_t oid);
// The OID of relation `name` ("t", "public.t", "pg_catalog.pg_class" is not one), or nullopt.
std::optional<int64_t> RelationOid(const Catalog& catalog, std::string_view name);
// pg_get_indexdef / pg_get_constraintdef; nullopt for an unknown OID.
// `pretty` leaves the (visible) schema out of pg_get_indexdef, as PostgreSQL does; `column` > 0
// gives only that key column's name ("" past the last).
std::optional<std::string> IndexDefinition(const Catalog& catalog, int64_t oid, bool pretty = false,
                                           int column = 0);
std::optional<std::string> ConstraintDefinition(const Catalog& catalog, int64_t oid);

}  // namespace blockdb::sql::exec
