// pg_catalog's smaller relations: pg_tables, pg_views, pg_stat_user_tables, pg_collation,
// pg_tablespace and the relations that have columns but no rows (catalog_relations.h).
#include <string>

#include "sql/exec/catalog_internal.h"

namespace blockdb::sql::exec {
namespace catalog_internal {
namespace {

const Catalog& Cat(PlanContext& ctx) { return ctx.database->catalog(); }
Value Char(char c) { return Value::Text(std::string(1, c)); }
Value I4(int v) { return Value::Int4(v); }
Value B(bool v) { return Value::Bool(v); }
Value NullText() { return Value::Null(TypeId::kText); }

}  // namespace

VirtualRelation PgTables(PlanContext& ctx) {
  VirtualRelation rel = Relation({{"schemaname", kName},
                                  {"tablename", kName},
                                  {"tableowner", kName},
                                  {"tablespace", kName},
                                  {"hasindexes", kBool},
                                  {"hasrules", kBool},
                                  {"hastriggers", kBool},
                                  {"rowsecurity", kBool}});
  for (const auto& table : Cat(ctx).Tables()) {
    bool indexes = !IndexesOfTable(Cat(ctx), *table).empty();
    rel.rows.push_back({Text(table->schema), Text(table->name), Text(kBootstrapRole), NullText(),
                        B(indexes), B(false), B(false), B(false)});
  }
  return rel;
}

VirtualRelation PgViews(PlanContext&) {
  VirtualRelation rel = Relation(
      {{"schemaname", kName}, {"viewname", kName}, {"viewowner", kName}, {"definition", kText}});
  rel.rows.push_back({Text("public"), Text("blockdb_blocks"), Text(kBootstrapRole),
                      Text(" SELECT index, \"timestamp\", first_leaf, last_leaf, data_root, "
                           "tree_root, prev_hash, hash FROM the ledger's block headers;")});
  return rel;
}

VirtualRelation PgStatUserTables(PlanContext& ctx) {
  VirtualRelation rel = Relation({{"relid", kOid},
                                  {"schemaname", kName},
                                  {"relname", kName},
                                  {"seq_scan", TypeId::kInt8},
                                  {"seq_tup_read", TypeId::kInt8},
                                  {"idx_scan", TypeId::kInt8},
                                  {"idx_tup_fetch", TypeId::kInt8},
                                  {"n_tup_ins", TypeId::kInt8},
                                  {"n_tup_upd", TypeId::kInt8},
                                  {"n_tup_del", TypeId::kInt8},
                                  {"n_tup_hot_upd", TypeId::kInt8},
                                  {"n_live_tup", TypeId::kInt8},
                                  {"n_dead_tup", TypeId::kInt8},
                                  {"n_mod_since_analyze", TypeId::kInt8},
                                  {"n_ins_since_vacuum", TypeId::kInt8},
                                  {"last_vacuum", TypeId::kTimestamptz},
                                  {"last_autovacuum", TypeId::kTimestamptz},
                                  {"last_analyze", TypeId::kTimestamptz},
                                  {"last_autoanalyze", TypeId::kTimestamptz},
                                  {"vacuum_count", TypeId::kInt8},
                                  {"autovacuum_count", TypeId::kInt8},
                                  {"analyze_count", TypeId::kInt8},
                                  {"autoanalyze_count", TypeId::kInt8}});
  for (const auto& table : Cat(ctx).Tables()) {
    Row row = {Oid(static_cast<int64_t>(table->id)), Text(table->schema), Text(table->name)};
    for (int i = 0; i < 12; ++i) row.push_back(Value::Int8(0));
    for (int i = 0; i < 4; ++i) row.push_back(Value::Null(TypeId::kTimestamptz));
    for (int i = 0; i < 4; ++i) row.push_back(Value::Int8(0));
    rel.rows.push_back(std::move(row));
  }
  return rel;
}

VirtualRelation PgCollation(PlanContext&) {
  VirtualRelation rel = Relation({{"oid", kOid},
                                  {"collname", kName},
                                  {"collnamespace", kOid},
                                  {"collowner", kOid},
                                  {"collprovider", kText},
                                  {"collisdeterministic", kBool},
                                  {"collencoding", kI4},
                                  {"collcollate", kText},
                                  {"collctype", kText},
                                  {"colliculocale", kText},
                                  {"collversion", kText}});
  const std::pair<int64_t, const char*> kColls[] = {{100, "default"}, {950, "C"}, {951, "POSIX"}};
  for (const auto& [oid, name] : kColls) {
    bool d = oid == 100;
    rel.rows.push_back({Oid(oid), Text(name), Oid(kPgCatalogNamespaceOid), Oid(kBootstrapRoleOid),
                        Char(d ? 'd' : 'c'), B(true), I4(d ? -1 : -1), d ? NullText() : Text(name),
                        d ? NullText() : Text(name), NullText(), NullText()});
  }
  return rel;
}

VirtualRelation PgTablespace(PlanContext&) {
  VirtualRelation rel = Relation({{"oid", kOid},
                                  {"spcname", kName},
                                  {"spcowner", kOid},
                                  {"spcacl", kText},
                                  {"spcoptions", kText}});
  rel.rows.push_back(
      {Oid(1663), Text("pg_default"), Oid(kBootstrapRoleOid), NullText(), NullText()});
  rel.rows.push_back(
      {Oid(1664), Text("pg_global"), Oid(kBootstrapRoleOid), NullText(), NullText()});
  return rel;
}

VirtualRelation PgDescription(PlanContext&) {
  // PostgreSQL's comments on the schemas BlockDB has; objects have no COMMENT yet.
  constexpr int64_t kPgNamespaceClassOid = 2615;
  VirtualRelation rel =
      Relation({{"objoid", kOid}, {"classoid", kOid}, {"objsubid", kI4}, {"description", kText}});
  rel.rows.push_back({Oid(kPgCatalogNamespaceOid), Oid(kPgNamespaceClassOid), Value::Int4(0),
                      Text("system catalog schema")});
  rel.rows.push_back({Oid(kPublicNamespaceOid), Oid(kPgNamespaceClassOid), Value::Int4(0),
                      Text("standard public schema")});
  return rel;
}

VirtualRelation PgProc(PlanContext&) {
  VirtualRelation rel = Relation({{"oid", kOid},
                                  {"proname", kName},
                                  {"pronamespace", kOid},
                                  {"proowner", kOid},
                                  {"prolang", kOid},
                                  {"procost", TypeId::kFloat4},
                                  {"prorows", TypeId::kFloat4},
                                  {"provariadic", kOid},
                                  {"prosupport", kText},
                                  {"prokind", kText},
                                  {"prosecdef", kBool},
                                  {"proleakproof", kBool},
                                  {"proisstrict", kBool},
                                  {"proretset", kBool},
                                  {"provolatile", kText},
                                  {"proparallel", kText},
                                  {"pronargs", kI2},
                                  {"pronargdefaults", kI2},
                                  {"prorettype", kOid},
                                  {"proargtypes", kText},
                                  {"proallargtypes", kText},
                                  {"proargmodes", kText},
                                  {"proargnames", kText},
                                  {"proargdefaults", kText},
                                  {"protrftypes", kText},
                                  {"prosrc", kText},
                                  {"probin", kText},
                                  {"prosqlbody", kText},
                                  {"proconfig", kText},
                                  {"proacl", kText}});
  for (const LedgerProc& p : LedgerProcs()) {
    rel.rows.push_back({Oid(p.oid),
                        Text(p.name),
                        Oid(kPublicNamespaceOid),
                        Oid(kBootstrapRoleOid),
                        Oid(12),
                        Value::Float4(1),
                        Value::Float4(1000),
                        Oid(0),
                        Text("-"),
                        Char('f'),
                        B(false),
                        B(false),
                        B(false),
                        B(true),
                        Char('v'),
                        Char('u'),
                        Value::Int2(static_cast<int16_t>(p.nargs)),
                        Value::Int2(0),
                        Oid(2249),
                        Text(""),
                        NullText(),
                        NullText(),
                        NullText(),
                        NullText(),
                        NullText(),
                        Text(p.name),
                        NullText(),
                        NullText(),
                        NullText(),
                        NullText()});
  }
  return rel;
}

// Relations BlockDB has nothing to put in: their columns only.
std::optional<VirtualRelation> EmptyTable(std::string_view name) {
  if (name == "pg_shdescription") {
    return Relation({{"objoid", kOid}, {"classoid", kOid}, {"description", kText}});
  }
  if (name == "pg_extension") {
    return Relation({{"oid", kOid},
                     {"extname", kName},
                     {"extowner", kOid},
                     {"extnamespace", kOid},
                     {"extrelocatable", kBool},
                     {"extversion", kText},
                     {"extconfig", kText},
                     {"extcondition", kText}});
  }
  if (name == "pg_matviews") {
    return Relation({{"schemaname", kName},
                     {"matviewname", kName},
                     {"matviewowner", kName},
                     {"tablespace", kName},
                     {"hasindexes", kBool},
                     {"ispopulated", kBool},
                     {"definition", kText}});
  }
  if (name == "pg_sequence") {  // BlockDB has no sequence relations
    return Relation({{"seqrelid", kOid},
                     {"seqtypid", kOid},
                     {"seqstart", TypeId::kInt8},
                     {"seqincrement", TypeId::kInt8},
                     {"seqmax", TypeId::kInt8},
                     {"seqmin", TypeId::kInt8},
                     {"seqcache", TypeId::kInt8},
                     {"seqcycle", kBool}});
  }
  if (name == "pg_depend") {
    return Relation({{"classid", kOid},
                     {"objid", kOid},
                     {"objsubid", kI4},
                     {"refclassid", kOid},
                     {"refobjid", kOid},
                     {"refobjsubid", kI4},
                     {"deptype", kText}});
  }
  if (name == "pg_enum") {
    return Relation({{"oid", kOid},
                     {"enumtypid", kOid},
                     {"enumsortorder", TypeId::kFloat4},
                     {"enumlabel", kName}});
  }
  if (name == "pg_inherits") {
    return Relation(
        {{"inhrelid", kOid}, {"inhparent", kOid}, {"inhseqno", kI4}, {"inhdetachpending", kBool}});
  }
  if (name == "pg_policy") {
    return Relation({{"oid", kOid},
                     {"polname", kName},
                     {"polrelid", kOid},
                     {"polcmd", kText},
                     {"polpermissive", kBool},
                     {"polroles", kText},
                     {"polqual", kText},
                     {"polwithcheck", kText}});
  }
  if (name == "pg_trigger") {
    return Relation({{"oid", kOid},
                     {"tgrelid", kOid},
                     {"tgparentid", kOid},
                     {"tgname", kName},
                     {"tgfoid", kOid},
                     {"tgtype", kI2},
                     {"tgenabled", kText},
                     {"tgisinternal", kBool},
                     {"tgconstrrelid", kOid},
                     {"tgconstrindid", kOid},
                     {"tgconstraint", kOid},
                     {"tgdeferrable", kBool},
                     {"tginitdeferred", kBool},
                     {"tgnargs", kI2},
                     {"tgattr", kText},
                     {"tgargs", kText},
                     {"tgqual", kText},
                     {"tgoldtable", kName},
                     {"tgnewtable", kName}});
  }
  if (name == "pg_statistic_ext") {
    return Relation({{"oid", kOid},
                     {"stxrelid", kOid},
                     {"stxname", kName},
                     {"stxnamespace", kOid},
                     {"stxowner", kOid},
                     {"stxstattarget", kI4},
                     {"stxkeys", kText},
                     {"stxkind", kText},
                     {"stxexprs", kText}});
  }
  if (name == "pg_publication") {
    return Relation({{"oid", kOid},
                     {"pubname", kName},
                     {"pubowner", kOid},
                     {"puballtables", kBool},
                     {"pubinsert", kBool},
                     {"pubupdate", kBool},
                     {"pubdelete", kBool},
                     {"pubtruncate", kBool},
                     {"pubviaroot", kBool}});
  }
  if (name == "pg_publication_namespace") {
    return Relation({{"oid", kOid}, {"pnpubid", kOid}, {"pnnspid", kOid}});
  }
  if (name == "pg_publication_rel") {
    return Relation({{"oid", kOid},
                     {"prpubid", kOid},
                     {"prrelid", kOid},
                     {"prqual", kText},
                     {"prattrs", kText}});
  }
  if (name == "pg_auth_members") {
    return Relation(
        {{"roleid", kOid}, {"member", kOid}, {"grantor", kOid}, {"admin_option", kBool}});
  }
  return std::nullopt;
}

}  // namespace catalog_internal
}  // namespace blockdb::sql::exec
