// pg_catalog's relations with PostgreSQL 15's columns (catalog_relations.h).
#include <string>

#include "sql/exec/catalog_internal.h"

namespace blockdb::sql::exec {
namespace catalog_internal {
namespace {

const Catalog& Cat(PlanContext& ctx) { return ctx.database->catalog(); }

Value Char(char c) { return Value::Text(std::string(1, c)); }
Value I2(int v) { return Value::Int2(static_cast<int16_t>(v)); }
Value I4(int v) { return Value::Int4(v); }
Value B(bool v) { return Value::Bool(v); }
Value NullText() { return Value::Null(TypeId::kText); }

VirtualRelation PgNamespace(PlanContext&) {
  VirtualRelation rel =
      Relation({{"oid", kOid}, {"nspname", kName}, {"nspowner", kOid}, {"nspacl", kText}});
  rel.rows.push_back(
      {Oid(kPgCatalogNamespaceOid), Text("pg_catalog"), Oid(kBootstrapRoleOid), NullText()});
  rel.rows.push_back(
      {Oid(kPublicNamespaceOid), Text("public"), Oid(kDatabaseOwnerRoleOid), NullText()});
  rel.rows.push_back({Oid(kInformationSchemaNamespaceOid), Text("information_schema"),
                      Oid(kBootstrapRoleOid), NullText()});
  return rel;
}

// One pg_class row; `kind` is relkind.
Row ClassRow(int64_t oid, const std::string& name, char kind, int natts, bool has_index) {
  bool index = kind == 'i';
  return {Oid(oid),
          Text(name),
          Oid(kPublicNamespaceOid),
          Oid(0),
          Oid(0),
          Oid(kBootstrapRoleOid),
          Oid(kind == 'v' ? 0
              : index     ? kBtreeAmOid
                          : kHeapAmOid),
          Oid(kind == 'v' ? 0 : oid),
          Oid(0),
          I4(0),
          Value::Float4(-1),
          I4(0),
          Oid(0),
          B(has_index),
          B(false),
          Char('p'),
          Char(kind),
          I2(natts),
          I2(0),
          B(false),
          B(false),
          B(false),
          B(false),
          B(false),
          B(true),
          Char(index || kind == 'v' ? 'n' : 'd'),
          B(false),
          Oid(0),
          Text("0"),
          Text("0"),
          NullText(),
          NullText(),
          NullText()};
}

VirtualRelation PgClass(PlanContext& ctx) {
  VirtualRelation rel = Relation({{"oid", kOid},
                                  {"relname", kName},
                                  {"relnamespace", kOid},
                                  {"reltype", kOid},
                                  {"reloftype", kOid},
                                  {"relowner", kOid},
                                  {"relam", kOid},
                                  {"relfilenode", kOid},
                                  {"reltablespace", kOid},
                                  {"relpages", kI4},
                                  {"reltuples", TypeId::kFloat4},
                                  {"relallvisible", kI4},
                                  {"reltoastrelid", kOid},
                                  {"relhasindex", kBool},
                                  {"relisshared", kBool},
                                  {"relpersistence", kText},
                                  {"relkind", kText},
                                  {"relnatts", kI2},
                                  {"relchecks", kI2},
                                  {"relhasrules", kBool},
                                  {"relhastriggers", kBool},
                                  {"relhassubclass", kBool},
                                  {"relrowsecurity", kBool},
                                  {"relforcerowsecurity", kBool},
                                  {"relispopulated", kBool},
                                  {"relreplident", kText},
                                  {"relispartition", kBool},
                                  {"relrewrite", kOid},
                                  {"relfrozenxid", kText},
                                  {"relminmxid", kText},
                                  {"relacl", kText},
                                  {"reloptions", kText},
                                  {"relpartbound", kText}});
  rel.rows.push_back(ClassRow(kBlocksViewOid, "blockdb_blocks", 'v', 8, false));
  for (const auto& table : Cat(ctx).Tables()) {
    std::vector<RelIndex> indexes = IndexesOfTable(Cat(ctx), *table);
    rel.rows.push_back(ClassRow(static_cast<int64_t>(table->id), table->name, 'r',
                                static_cast<int>(table->columns.size()), !indexes.empty()));
    for (const RelIndex& index : indexes) {
      rel.rows.push_back(
          ClassRow(index.oid, index.name, 'i', static_cast<int>(index.columns.size()), false));
    }
  }
  return rel;
}

int16_t TypeLen(TypeId id) {
  const PgType* t = FindPgType(TypeOid(id));
  return t == nullptr ? -1 : t->len;
}

Row AttributeRow(int64_t rel, const std::string& name, const Type& type, int num, bool not_null,
                 bool has_default, char identity) {
  const PgType* t = FindPgType(type.oid());
  int64_t collation = t != nullptr ? t->collation : 0;
  return {Oid(rel),
          Text(name),
          Oid(type.oid()),
          I4(-1),
          I2(TypeLen(type.id())),
          I2(num),
          I4(0),
          I4(-1),
          I4(type.typmod()),
          B(t != nullptr && t->byval),
          Char(t ? t->align : 'i'),
          Char(t ? t->storage : 'p'),
          Text(""),
          B(not_null),
          B(has_default),
          B(false),
          identity == 0 ? Text("") : Char(identity),
          Text(""),
          B(false),
          B(true),
          I4(0),
          Oid(collation),
          NullText(),
          NullText(),
          NullText(),
          NullText()};
}

VirtualRelation PgAttribute(PlanContext& ctx) {
  VirtualRelation rel =
      Relation({{"attrelid", kOid},        {"attname", kName},      {"atttypid", kOid},
                {"attstattarget", kI4},    {"attlen", kI2},         {"attnum", kI2},
                {"attndims", kI4},         {"attcacheoff", kI4},    {"atttypmod", kI4},
                {"attbyval", kBool},       {"attalign", kText},     {"attstorage", kText},
                {"attcompression", kText}, {"attnotnull", kBool},   {"atthasdef", kBool},
                {"atthasmissing", kBool},  {"attidentity", kText},  {"attgenerated", kText},
                {"attisdropped", kBool},   {"attislocal", kBool},   {"attinhcount", kI4},
                {"attcollation", kOid},    {"attacl", kText},       {"attoptions", kText},
                {"attfdwoptions", kText},  {"attmissingval", kText}});
  for (const auto& table : Cat(ctx).Tables()) {
    for (size_t i = 0; i < table->columns.size(); ++i) {
      const ColumnSchema& c = table->columns[i];
      char identity = !c.identity ? 0 : c.identity_always ? 'a' : 'd';
      rel.rows.push_back(AttributeRow(static_cast<int64_t>(table->id), c.name, c.type,
                                      static_cast<int>(i + 1), c.not_null,
                                      c.default_expr.has_value(), identity));
    }
    for (const RelIndex& index : IndexesOfTable(Cat(ctx), *table)) {
      for (size_t k = 0; k < index.columns.size(); ++k) {
        const ColumnSchema& c = table->columns[index.columns[k].column];
        rel.rows.push_back(
            AttributeRow(index.oid, c.name, c.type, static_cast<int>(k + 1), false, false, 0));
      }
    }
  }
  return rel;
}

Row TypeRow(const PgType& t, bool array) {
  std::string name = array ? std::string("_") + t.name : t.name;
  std::string io = array ? "array_" : t.io;
  char align = array && (t.align == 'c' || t.align == 's') ? 'i' : t.align;
  return {Oid(array ? t.array : t.oid),
          Text(name),
          Oid(kPgCatalogNamespaceOid),
          Oid(kBootstrapRoleOid),
          I2(array ? -1 : t.len),
          B(!array && t.byval),
          Char(t.oid == 705 ? 'p' : 'b'),
          Char(array ? 'A' : t.category),
          B(!array && t.preferred),
          B(true),
          Char(','),
          Oid(0),
          Text(array ? "array_subscript_handler" : "-"),
          Oid(array ? t.oid : 0),
          Oid(array ? 0 : t.array),
          Text(io + "in"),
          Text(io + "out"),
          Text(io + "recv"),
          Text(io + "send"),
          Text("-"),
          Text("-"),
          Text(array ? "array_typanalyze" : "-"),
          Char(align),
          Char(array ? 'x' : t.storage),
          B(false),
          Oid(0),
          I4(-1),
          I4(0),
          Oid(t.collation),
          NullText(),
          NullText(),
          NullText()};
}

VirtualRelation PgTypeTable(PlanContext&) {
  VirtualRelation rel =
      Relation({{"oid", kOid},           {"typname", kName},     {"typnamespace", kOid},
                {"typowner", kOid},      {"typlen", kI2},        {"typbyval", kBool},
                {"typtype", kText},      {"typcategory", kText}, {"typispreferred", kBool},
                {"typisdefined", kBool}, {"typdelim", kText},    {"typrelid", kOid},
                {"typsubscript", kText}, {"typelem", kOid},      {"typarray", kOid},
                {"typinput", kText},     {"typoutput", kText},   {"typreceive", kText},
                {"typsend", kText},      {"typmodin", kText},    {"typmodout", kText},
                {"typanalyze", kText},   {"typalign", kText},    {"typstorage", kText},
                {"typnotnull", kBool},   {"typbasetype", kOid},  {"typtypmod", kI4},
                {"typndims", kI4},       {"typcollation", kOid}, {"typdefaultbin", kText},
                {"typdefault", kText},   {"typacl", kText}});
  for (const PgType& t : PgTypes()) {
    rel.rows.push_back(TypeRow(t, false));
    if (t.array != 0) rel.rows.push_back(TypeRow(t, true));
  }
  return rel;
}

VirtualRelation PgIndex(PlanContext& ctx) {
  VirtualRelation rel = Relation({{"indexrelid", kOid},
                                  {"indrelid", kOid},
                                  {"indnatts", kI2},
                                  {"indnkeyatts", kI2},
                                  {"indisunique", kBool},
                                  {"indnullsnotdistinct", kBool},
                                  {"indisprimary", kBool},
                                  {"indisexclusion", kBool},
                                  {"indimmediate", kBool},
                                  {"indisclustered", kBool},
                                  {"indisvalid", kBool},
                                  {"indcheckxmin", kBool},
                                  {"indisready", kBool},
                                  {"indislive", kBool},
                                  {"indisreplident", kBool},
                                  {"indkey", kText, kInt2VectorOid},
                                  {"indcollation", kText, kOidVectorOid},
                                  {"indclass", kText, kOidVectorOid},
                                  {"indoption", kText, kInt2VectorOid},
                                  {"indexprs", kText},
                                  {"indpred", kText}});
  for (const auto& table : Cat(ctx).Tables()) {
    for (const RelIndex& index : IndexesOfTable(Cat(ctx), *table)) {
      int n = static_cast<int>(index.columns.size());
      std::string options;
      for (size_t k = 0; k < index.columns.size(); ++k) {
        options += (k > 0 ? " " : "") + std::string(index.columns[k].descending ? "3" : "0");
      }
      rel.rows.push_back({Oid(index.oid),
                          Oid(static_cast<int64_t>(table->id)),
                          I2(n),
                          I2(n),
                          B(index.unique),
                          B(false),
                          B(index.primary),
                          B(false),
                          B(true),
                          B(false),
                          B(true),
                          B(false),
                          B(true),
                          B(true),
                          B(false),
                          Text(KeyColumnNumbers(index.columns, " ")),
                          Text(""),
                          Text(""),
                          Text(options),
                          NullText(),
                          NullText()});
    }
  }
  return rel;
}

VirtualRelation PgConstraint(PlanContext& ctx) {
  VirtualRelation rel = Relation({{"oid", kOid},
                                  {"conname", kName},
                                  {"connamespace", kOid},
                                  {"contype", kText},
                                  {"condeferrable", kBool},
                                  {"condeferred", kBool},
                                  {"convalidated", kBool},
                                  {"conrelid", kOid},
                                  {"contypid", kOid},
                                  {"conindid", kOid},
                                  {"conparentid", kOid},
                                  {"confrelid", kOid},
                                  {"confupdtype", kText},
                                  {"confdeltype", kText},
                                  {"confmatchtype", kText},
                                  {"conislocal", kBool},
                                  {"coninhcount", kI4},
                                  {"connoinherit", kBool},
                                  {"conkey", kText, kInt2ArrayOid},
                                  {"confkey", kText, kInt2ArrayOid},
                                  {"conpfeqop", kText},
                                  {"conppeqop", kText},
                                  {"conffeqop", kText},
                                  {"confdelsetcols", kText},
                                  {"conexclop", kText},
                                  {"conbin", kText}});
  for (const auto& table : Cat(ctx).Tables()) {
    for (const RelIndex& index : IndexesOfTable(Cat(ctx), *table)) {
      if (index.constraint_oid == 0) continue;
      rel.rows.push_back({Oid(index.constraint_oid),
                          Text(index.name),
                          Oid(kPublicNamespaceOid),
                          Char(index.primary ? 'p' : 'u'),
                          B(false),
                          B(false),
                          B(true),
                          Oid(static_cast<int64_t>(table->id)),
                          Oid(0),
                          Oid(index.oid),
                          Oid(0),
                          Oid(0),
                          Char(' '),
                          Char(' '),
                          Char(' '),
                          B(true),
                          I4(0),
                          B(true),
                          Text("{" + KeyColumnNumbers(index.columns, ",") + "}"),
                          NullText(),
                          NullText(),
                          NullText(),
                          NullText(),
                          NullText(),
                          NullText(),
                          NullText()});
    }
  }
  return rel;
}

VirtualRelation PgAttrdef(PlanContext& ctx) {
  VirtualRelation rel =
      Relation({{"oid", kOid}, {"adrelid", kOid}, {"adnum", kI2}, {"adbin", kText}});
  for (const auto& table : Cat(ctx).Tables()) {
    for (size_t i = 0; i < table->columns.size(); ++i) {
      const ColumnSchema& c = table->columns[i];
      if (!c.default_expr) continue;
      int64_t rel_oid = static_cast<int64_t>(table->id);
      rel.rows.push_back({Oid(kConstraintOidBase - rel_oid * 1000 - static_cast<int64_t>(i)),
                          Oid(rel_oid), I2(static_cast<int>(i + 1)), Text(DefaultText(c))});
    }
  }
  return rel;
}

VirtualRelation PgDatabase(PlanContext& ctx) {
  VirtualRelation rel = Relation({{"oid", kOid},
                                  {"datname", kName},
                                  {"datdba", kOid},
                                  {"encoding", kI4},
                                  {"datlocprovider", kText},
                                  {"datistemplate", kBool},
                                  {"datallowconn", kBool},
                                  {"datconnlimit", kI4},
                                  {"datfrozenxid", kText},
                                  {"datminmxid", kText},
                                  {"dattablespace", kOid},
                                  {"datcollate", kText},
                                  {"datctype", kText},
                                  {"daticulocale", kText},
                                  {"datcollversion", kText},
                                  {"datacl", kText}});
  rel.rows.push_back({Oid(kDatabaseOid), Text(ctx.eval->database), Oid(kBootstrapRoleOid), I4(6),
                      Char('c'), B(false), B(true), I4(-1), Text("0"), Text("1"), Oid(1663),
                      Text("C"), Text("C"), NullText(), NullText(), NullText()});
  return rel;
}

VirtualRelation PgRoles(PlanContext& ctx, bool authid) {
  VirtualRelation rel = Relation({{"rolname", kName},
                                  {"rolsuper", kBool},
                                  {"rolinherit", kBool},
                                  {"rolcreaterole", kBool},
                                  {"rolcreatedb", kBool},
                                  {"rolcanlogin", kBool},
                                  {"rolreplication", kBool},
                                  {"rolconnlimit", kI4},
                                  {"rolpassword", kText},
                                  {"rolvaliduntil", TypeId::kTimestamptz},
                                  {"rolbypassrls", kBool},
                                  {"rolconfig", kText},
                                  {"oid", kOid}});
  for (const auto& role : AllRoles(Cat(ctx))) {
    bool su = role->superuser;
    Value password = authid || role->scram_verifier.empty() ? NullText() : Text("********");
    rel.rows.push_back({Text(role->name), B(su), B(true), B(su), B(su), B(role->login), B(su),
                        I4(-1), std::move(password), Value::Null(TypeId::kTimestamptz), B(su),
                        NullText(), Oid(RoleOid(role->name))});
  }
  return rel;
}

VirtualRelation PgUser(PlanContext& ctx) {
  VirtualRelation rel = Relation({{"usename", kName},
                                  {"usesysid", kOid},
                                  {"usecreatedb", kBool},
                                  {"usesuper", kBool},
                                  {"userepl", kBool},
                                  {"usebypassrls", kBool},
                                  {"passwd", kText},
                                  {"valuntil", TypeId::kTimestamptz},
                                  {"useconfig", kText}});
  for (const auto& role : AllRoles(Cat(ctx))) {
    if (!role->login) continue;
    bool su = role->superuser;
    rel.rows.push_back({Text(role->name), Oid(RoleOid(role->name)), B(su), B(su), B(su), B(su),
                        Text("********"), Value::Null(TypeId::kTimestamptz), NullText()});
  }
  return rel;
}

VirtualRelation PgAm(PlanContext&) {
  VirtualRelation rel =
      Relation({{"oid", kOid}, {"amname", kName}, {"amhandler", kText}, {"amtype", kText}});
  rel.rows.push_back({Oid(kHeapAmOid), Text("heap"), Text("heap_tableam_handler"), Char('t')});
  rel.rows.push_back({Oid(kBtreeAmOid), Text("btree"), Text("bthandler"), Char('i')});
  return rel;
}

VirtualRelation PgSettings(PlanContext& ctx) {
  VirtualRelation rel = Relation({{"name", kText},
                                  {"setting", kText},
                                  {"unit", kText},
                                  {"category", kText},
                                  {"short_desc", kText},
                                  {"extra_desc", kText},
                                  {"context", kText},
                                  {"vartype", kText},
                                  {"source", kText},
                                  {"min_val", kText},
                                  {"max_val", kText},
                                  {"enumvals", kText},
                                  {"boot_val", kText},
                                  {"reset_val", kText},
                                  {"sourcefile", kText},
                                  {"sourceline", kI4},
                                  {"pending_restart", kBool}});
  static const char* kNames[] = {"application_name",
                                 "client_encoding",
                                 "DateStyle",
                                 "default_transaction_isolation",
                                 "default_transaction_read_only",
                                 "extra_float_digits",
                                 "integer_datetimes",
                                 "IntervalStyle",
                                 "is_superuser",
                                 "lc_collate",
                                 "lc_ctype",
                                 "max_identifier_length",
                                 "max_index_keys",
                                 "search_path",
                                 "server_encoding",
                                 "server_version",
                                 "server_version_num",
                                 "standard_conforming_strings",
                                 "statement_timeout",
                                 "TimeZone",
                                 "transaction_isolation",
                                 "transaction_read_only"};
  for (const char* name : kNames) {
    std::optional<std::string> v = ctx.eval->setting ? ctx.eval->setting(name) : std::nullopt;
    if (!v) continue;
    rel.rows.push_back({Text(name), Text(*v), NullText(), Text(""), Text(""), NullText(),
                        Text("user"), Text("string"), Text("default"), NullText(), NullText(),
                        NullText(), Text(*v), Text(*v), NullText(), Value::Null(kI4), B(false)});
  }
  return rel;
}

}  // namespace

std::optional<VirtualRelation> PgCatalogTable(std::string_view name, PlanContext& ctx) {
  using Builder = VirtualRelation (*)(PlanContext&);
  static const std::pair<const char*, Builder> kTables[] = {
      {"pg_namespace", PgNamespace},
      {"pg_class", PgClass},
      {"pg_attribute", PgAttribute},
      {"pg_type", PgTypeTable},
      {"pg_index", PgIndex},
      {"pg_constraint", PgConstraint},
      {"pg_attrdef", PgAttrdef},
      {"pg_database", PgDatabase},
      {"pg_roles", [](PlanContext& c) { return PgRoles(c, false); }},
      {"pg_authid", [](PlanContext& c) { return PgRoles(c, true); }},
      {"pg_user", PgUser},
      {"pg_am", PgAm},
      {"pg_settings", PgSettings},
      {"pg_tables", PgTables},
      {"pg_views", PgViews},
      {"pg_stat_user_tables", PgStatUserTables},
      {"pg_collation", PgCollation},
      {"pg_tablespace", PgTablespace},
      {"pg_proc", PgProc},
      {"pg_description", PgDescription},
  };
  for (const auto& [table, build] : kTables) {
    if (name == table) return build(ctx);
  }
  return EmptyTable(name);
}

}  // namespace catalog_internal
}  // namespace blockdb::sql::exec
