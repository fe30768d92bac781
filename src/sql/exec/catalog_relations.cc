// pg_catalog's relations over BlockDB's catalog (catalog_relations.h). information_schema is in
// catalog_info_schema.cc; the shared pieces (types, OIDs, definitions) are here.
#include "sql/exec/catalog_relations.h"

#include <algorithm>

#include "sql/ast.h"
#include "sql/exec/catalog_internal.h"
#include "sql/exec/eval.h"
#include "sql/types/errors.h"

namespace blockdb::sql::exec {
namespace catalog_internal {

// PostgreSQL 15's built-in types that BlockDB has or that its catalogs use. Array types follow
// (typname "_" + name) with the OIDs in `array`.
const std::vector<PgType>& PgTypes() {
  static const std::vector<PgType> kTypes = {
      {16, "bool", "boolean", 1, true, 'B', true, 1000, 'c', 'p', 0, "bool"},
      {17, "bytea", "bytea", -1, false, 'U', false, 1001, 'i', 'x', 0, "bytea"},
      {18, "char", "\"char\"", 1, true, 'Z', false, 1002, 'c', 'p', 0, "char"},
      {19, "name", "name", 64, false, 'S', false, 1003, 'c', 'p', 950, "name"},
      {20, "int8", "bigint", 8, true, 'N', false, 1016, 'd', 'p', 0, "int8"},
      {21, "int2", "smallint", 2, true, 'N', false, 1005, 's', 'p', 0, "int2"},
      {22, "int2vector", "int2vector", -1, false, 'A', false, 1006, 'i', 'p', 0, "int2vector"},
      {23, "int4", "integer", 4, true, 'N', false, 1007, 'i', 'p', 0, "int4"},
      {25, "text", "text", -1, false, 'S', true, 1009, 'i', 'x', 100, "text"},
      {26, "oid", "oid", 4, true, 'N', true, 1028, 'i', 'p', 0, "oid"},
      {30, "oidvector", "oidvector", -1, false, 'A', false, 1013, 'i', 'p', 0, "oidvector"},
      {114, "json", "json", -1, false, 'U', false, 199, 'i', 'x', 0, "json_"},
      {700, "float4", "real", 4, true, 'N', false, 1021, 'i', 'p', 0, "float4"},
      {701, "float8", "double precision", 8, true, 'N', true, 1022, 'd', 'p', 0, "float8"},
      {705, "unknown", "unknown", -2, false, 'X', false, 0, 'c', 'p', 0, "unknown"},
      {1042, "bpchar", "character", -1, false, 'S', false, 1014, 'i', 'x', 100, "bpchar"},
      {1043, "varchar", "character varying", -1, false, 'S', false, 1015, 'i', 'x', 100, "varchar"},
      {1082, "date", "date", 4, true, 'D', false, 1182, 'i', 'p', 0, "date_"},
      {1114, "timestamp", "timestamp without time zone", 8, true, 'D', false, 1115, 'd', 'p', 0,
       "timestamp_"},
      {1184, "timestamptz", "timestamp with time zone", 8, true, 'D', true, 1185, 'd', 'p', 0,
       "timestamptz_"},
      {1186, "interval", "interval", 16, false, 'T', true, 1187, 'd', 'p', 0, "interval_"},
      {1700, "numeric", "numeric", -1, false, 'N', false, 1231, 'i', 'm', 0, "numeric_"},
      {2205, "regclass", "regclass", 4, true, 'N', false, 2210, 'i', 'p', 0, "regclass"},
      {2206, "regtype", "regtype", 4, true, 'N', false, 2211, 'i', 'p', 0, "regtype"},
      {2950, "uuid", "uuid", 16, false, 'U', false, 2951, 'c', 'p', 0, "uuid_"},
      {3802, "jsonb", "jsonb", -1, false, 'U', false, 3807, 'i', 'x', 0, "jsonb_"},
  };
  return kTypes;
}

const PgType* FindPgType(int64_t oid) {
  for (const PgType& t : PgTypes()) {
    if (t.oid == oid) return &t;
  }
  return nullptr;
}

const PgType* FindPgArrayType(int64_t oid) {
  for (const PgType& t : PgTypes()) {
    if (t.array == oid && oid != 0) return &t;
  }
  return nullptr;
}

std::vector<std::shared_ptr<const RoleDef>> AllRoles(const Catalog& catalog) {
  std::vector<std::shared_ptr<const RoleDef>> roles = catalog.Roles();
  if (catalog.FindRole(kBootstrapRole) == nullptr) {
    auto boot = std::make_shared<RoleDef>();
    boot->name = kBootstrapRole;
    boot->login = true;
    boot->superuser = true;
    roles.insert(roles.begin(), std::move(boot));
  }
  return roles;
}

std::string KeyColumnNames(const TableDef& table, const std::vector<KeyPart>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    out += (i > 0 ? ", " : "") + QuoteIdentifierIfNeeded(table.columns[parts[i].column].name);
    if (parts[i].descending) out += " DESC";
  }
  return out;
}

std::string KeyColumnNumbers(const std::vector<KeyPart>& parts, const char* sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    out += (i > 0 ? sep : "") + std::to_string(parts[i].column + 1);
  }
  return out;
}

bool IsUniqueConstraint(const IndexDef& index) {
  return index.unique && index.name.size() > 4 &&
         index.name.compare(index.name.size() - 4, 4, "_key") == 0;
}

std::vector<RelIndex> IndexesOfTable(const Catalog& catalog, const TableDef& table) {
  std::vector<RelIndex> out;
  if (!table.primary_key.empty()) {
    out.push_back(RelIndex{kPkeyIndexOidBase + static_cast<int64_t>(table.id), table.name + "_pkey",
                           true, true, table.primary_key,
                           kConstraintOidBase + static_cast<int64_t>(table.id)});
  }
  for (const auto& index : catalog.IndexesOf(table.id)) {
    int64_t con =
        IsUniqueConstraint(*index) ? kConstraintOidBase + static_cast<int64_t>(index->id) : 0;
    out.push_back(RelIndex{static_cast<int64_t>(index->id), index->name, index->unique, false,
                           index->columns, con});
  }
  return out;
}

std::string DefaultText(const ColumnSchema& column) {
  const std::string& d = column.default_expr.value_or("");
  bool literal =
      d.size() >= 2 && d.front() == '\'' && d.back() == '\'' && d.find('\'', 1) == d.size() - 1;
  TypeId t = column.type.id();
  if (literal && (t == TypeId::kText || t == TypeId::kVarchar)) {
    return d + "::" + std::string(TypeIdName(t));
  }
  return d;
}

Value Oid(int64_t v) { return Value::Int8(v); }
Value Text(std::string s) { return Value::Text(std::move(s)); }
Value NullOf(TypeId t) { return Value::Null(t); }

VirtualRelation Relation(std::initializer_list<ColSpec> cols) {
  VirtualRelation rel;
  for (const ColSpec& c : cols) {
    rel.columns.push_back(ScopeColumn{"", c.name, Type::Of(c.type)});
    rel.columns.back().type_oid = c.type_oid;
  }
  return rel;
}

}  // namespace catalog_internal

using namespace catalog_internal;  // NOLINT

const std::vector<LedgerProc>& LedgerProcs() {
  static const std::vector<LedgerProc> kProcs = {
      {901, "blockdb_digest", "",
       "TABLE(tree_size bigint, root_hash text, block_index bigint, block_hash text)", 0},
      {902, "blockdb_inclusion_proof", "table_name text, VARIADIC key \"any\"",
       "TABLE(entry text, leaf_index bigint, tree_size bigint, leaf_hash text, root_hash text, "
       "path text)",
       2},
      {903, "blockdb_consistency_proof", "old_size bigint, new_size bigint DEFAULT NULL",
       "TABLE(old_size bigint, new_size bigint, old_root text, new_root text, path text)", 2},
  };
  return kProcs;
}

const LedgerProc* FindLedgerProc(int64_t oid) {
  for (const LedgerProc& p : LedgerProcs()) {
    if (p.oid == oid) return &p;
  }
  return nullptr;
}

int64_t RoleOid(std::string_view name) {
  if (name == kBootstrapRole) return kBootstrapRoleOid;
  uint32_t h = 2166136261u;  // FNV-1a
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return 16384 + static_cast<int64_t>(h % 1000000000u);
}

std::optional<std::string> RoleName(const Catalog& catalog, int64_t oid,
                                    std::string_view session_user) {
  if (oid == kDatabaseOwnerRoleOid) return std::string("pg_database_owner");
  for (const auto& role : AllRoles(catalog)) {
    if (RoleOid(role->name) == oid) return role->name;
  }
  if (RoleOid(session_user) == oid) return std::string(session_user);
  return std::nullopt;
}

std::optional<std::string> FormatTypeOid(int64_t oid, int32_t typmod) {
  if (std::optional<TypeId> id = TypeIdFromOid(static_cast<uint32_t>(oid));
      id && *id != TypeId::kUnknown) {
    if (*id == TypeId::kVarchar && typmod >= 5) return Type::Varchar(typmod - 4).Name();
    if (*id == TypeId::kNumeric && typmod >= 4) {
      int32_t m = typmod - 4;
      int scale = m & 0x7ff;
      if (scale > 1000) scale -= 0x800;
      return Type::Numeric(m >> 16, scale).Name();
    }
    return Type::Of(*id).Name();
  }
  if (const PgType* t = FindPgType(oid)) return std::string(t->sql_name);
  if (const PgType* t = FindPgArrayType(oid)) return std::string(t->sql_name) + "[]";
  return std::nullopt;
}

std::optional<int64_t> TypeOidByName(std::string_view name) {
  if (name.substr(0, 11) == "pg_catalog.") name.remove_prefix(11);
  for (const PgType& t : PgTypes()) {
    if (name == t.name || name == t.sql_name) return t.oid;
  }
  Result<Type> type = TypeFromName(name);
  if (type.ok()) return static_cast<int64_t>(type->oid());
  return std::nullopt;
}

namespace {

// PostgreSQL's OIDs of its system catalogs, for 'pg_class'::regclass (pg_description.classoid).
constexpr std::pair<int64_t, const char*> kSystemRelations[] = {
    {1247, "pg_type"},        {1249, "pg_attribute"}, {1255, "pg_proc"},
    {1259, "pg_class"},       {1260, "pg_authid"},    {1262, "pg_database"},
    {2601, "pg_am"},          {2604, "pg_attrdef"},   {2606, "pg_constraint"},
    {2609, "pg_description"}, {2610, "pg_index"},     {2611, "pg_inherits"},
    {2615, "pg_namespace"},   {3079, "pg_extension"}, {3456, "pg_collation"},
};

}  // namespace

std::optional<std::string> RelationName(const Catalog& catalog, int64_t oid) {
  for (const auto& [system_oid, name] : kSystemRelations) {
    if (system_oid == oid) return std::string(name);
  }
  if (oid == kBlocksViewOid) return std::string("blockdb_blocks");
  if (oid >= kPkeyIndexOidBase && oid < kConstraintOidBase) {
    auto t = catalog.FindTableById(static_cast<uint64_t>(oid - kPkeyIndexOidBase));
    if (t != nullptr && !t->primary_key.empty()) return t->name + "_pkey";
    return std::nullopt;
  }
  if (oid < 0) return std::nullopt;
  if (auto t = catalog.FindTableById(static_cast<uint64_t>(oid))) return t->name;
  if (auto i = catalog.FindIndexById(static_cast<uint64_t>(oid))) return i->name;
  return std::nullopt;
}

std::optional<int64_t> RelationOid(const Catalog& catalog, std::string_view name) {
  std::string_view system = name.substr(0, 11) == "pg_catalog." ? name.substr(11) : name;
  for (const auto& [system_oid, system_name] : kSystemRelations) {
    if (system == system_name) return system_oid;
  }
  if (name.substr(0, 7) == "public.") name.remove_prefix(7);
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    name = name.substr(1, name.size() - 2);
  }
  if (name == "blockdb_blocks") return kBlocksViewOid;
  if (auto t = catalog.FindTable(name)) return static_cast<int64_t>(t->id);
  if (auto i = catalog.FindIndex(name)) return static_cast<int64_t>(i->id);
  for (const auto& t : catalog.Tables()) {
    if (!t->primary_key.empty() && t->name + "_pkey" == name) {
      return kPkeyIndexOidBase + static_cast<int64_t>(t->id);
    }
  }
  return std::nullopt;
}

std::optional<std::string> IndexDefinition(const Catalog& catalog, int64_t oid, bool pretty,
                                           int column) {
  for (const auto& table : catalog.Tables()) {
    for (const RelIndex& index : IndexesOfTable(catalog, *table)) {
      if (index.oid != oid) continue;
      if (column > 0) {
        if (static_cast<size_t>(column) > index.columns.size()) return std::string();
        return QuoteIdentifierIfNeeded(table->columns[index.columns[column - 1].column].name);
      }
      return std::string("CREATE ") + (index.unique ? "UNIQUE " : "") + "INDEX " +
             QuoteIdentifierIfNeeded(index.name) + " ON " +
             (pretty ? "" : QuoteIdentifierIfNeeded(table->schema) + ".") +
             QuoteIdentifierIfNeeded(table->name) + " USING btree (" +
             KeyColumnNames(*table, index.columns) + ")";
    }
  }
  return std::nullopt;
}

std::optional<std::string> ConstraintDefinition(const Catalog& catalog, int64_t oid) {
  for (const auto& table : catalog.Tables()) {
    for (const RelIndex& index : IndexesOfTable(catalog, *table)) {
      if (index.constraint_oid != oid) continue;
      return std::string(index.primary ? "PRIMARY KEY (" : "UNIQUE (") +
             KeyColumnNames(*table, index.columns) + ")";
    }
  }
  return std::nullopt;
}

Result<std::optional<VirtualRelation>> CatalogTable(std::string_view schema, std::string_view name,
                                                    PlanContext& ctx) {
  if (schema.empty() || schema == "pg_catalog") return PgCatalogTable(name, ctx);
  if (schema == "information_schema") return InfoSchemaTable(name, ctx);
  return std::optional<VirtualRelation>();
}

namespace {

class SeriesSource : public RowSource {
 public:
  SeriesSource(std::vector<BoundExprPtr> args, TypeId type, const EvalContext* ctx)
      : args_(std::move(args)), type_(type), ctx_(ctx) {}

  Result<bool> Next(Row* row) override {
    if (!started_) {
      RETURN_IF_ERROR(Start());
      started_ = true;
    }
    if (time_) {
      ASSIGN_OR_RETURN(std::optional<Value> v, time_->Next());
      if (!v) return false;
      *row = {std::move(*v)};
      return true;
    }
    if (done_ || (step_ > 0 ? next_ > stop_ : next_ < stop_)) return false;
    *row = {Value::Integer(type_, next_)};
    if (__builtin_add_overflow(next_, step_, &next_)) done_ = true;
    return true;
  }
  void Explain(int indent, std::vector<std::string>* lines) const override {
    lines->push_back(std::string(indent, ' ') + "Function Scan on generate_series");
  }
  void Rewind() override { started_ = false; }

 private:
  Status Start() {
    if (type_ != TypeId::kInt4 && type_ != TypeId::kInt8) {
      std::vector<Value> a;
      for (const BoundExprPtr& e : args_) {
        ASSIGN_OR_RETURN(Value x, Eval(*e, {}, *ctx_));
        a.push_back(std::move(x));
      }
      ASSIGN_OR_RETURN(TimestampSeries series, TimestampSeries::Start(a[0], a[1], a[2]));
      time_ = std::move(series);
      return Status::OK();
    }
    int64_t v[3] = {0, 0, 1};
    done_ = false;
    for (size_t i = 0; i < args_.size(); ++i) {
      ASSIGN_OR_RETURN(Value x, Eval(*args_[i], {}, *ctx_));
      if (x.is_null()) {
        done_ = true;
        return Status::OK();
      }
      v[i] = x.int_value();
    }
    if (v[2] == 0) return InvalidParameterValue("step size cannot equal zero");
    next_ = v[0];
    stop_ = v[1];
    step_ = v[2];
    return Status::OK();
  }

  std::vector<BoundExprPtr> args_;
  TypeId type_;
  const EvalContext* ctx_;
  bool started_ = false, done_ = false;
  int64_t next_ = 0, stop_ = 0, step_ = 1;
  std::optional<TimestampSeries> time_;  // over timestamps
};

class UnnestSource : public RowSource {
 public:
  UnnestSource(BoundExprPtr arg, const EvalContext* ctx) : arg_(std::move(arg)), ctx_(ctx) {}

  Result<bool> Next(Row* row) override {
    if (!started_) {
      ASSIGN_OR_RETURN(Value a, Eval(*arg_, {}, *ctx_));
      items_ = a.is_null() ? std::vector<std::string>() : ArrayTextItems(a.bytes());
      next_ = 0;
      started_ = true;
    }
    if (next_ >= items_.size()) return false;
    *row = {Value::Text(items_[next_++])};
    return true;
  }
  void Explain(int indent, std::vector<std::string>* lines) const override {
    lines->push_back(std::string(indent, ' ') + "Function Scan on unnest");
  }
  void Rewind() override { started_ = false; }

 private:
  BoundExprPtr arg_;
  const EvalContext* ctx_;
  bool started_ = false;
  std::vector<std::string> items_;
  size_t next_ = 0;
};

}  // namespace

Result<std::optional<SeriesScan>> Unnest(const FunctionExpr& call, PlanContext& ctx) {
  if (call.name.back() != "unnest" || call.args.size() != 1 ||
      (call.name.size() > 1 && call.name[0] != "pg_catalog")) {
    return std::optional<SeriesScan>();
  }
  Scope empty;
  ASSIGN_OR_RETURN(BoundExprPtr arg, ctx.binder->Bind(*call.args[0], empty, "FROM"));
  if (arg->type.id() != TypeId::kText && arg->type.id() != TypeId::kUnknown &&
      arg->type.id() != TypeId::kNull) {
    return ctx.binder->ErrorAt(FeatureNotSupported("unnest is supported over arrays only"),
                               call.position);
  }
  SeriesScan scan{ScopeColumn{"", "unnest", Type::Of(TypeId::kText)},
                  std::make_unique<UnnestSource>(std::move(arg), ctx.eval)};
  return std::optional<SeriesScan>(std::move(scan));
}

Result<SeriesScan> ScalarFunctionScan(const FunctionExpr& call, PlanContext& ctx) {
  Scope empty;
  ASSIGN_OR_RETURN(BoundExprPtr value, ctx.binder->Bind(call, empty, "FROM"));
  Type type = value->type.id() == TypeId::kUnknown ? Type::Of(TypeId::kText) : value->type;
  std::vector<std::vector<BoundExprPtr>> rows(1);
  rows[0].push_back(std::move(value));
  return SeriesScan{ScopeColumn{"", call.name.back(), type},
                    MakeValuesSource(std::move(rows), ctx.eval)};
}

Result<std::optional<SeriesScan>> GenerateSeries(const FunctionExpr& call, PlanContext& ctx) {
  if (call.name.back() != "generate_series" ||
      (call.name.size() > 1 && call.name[0] != "pg_catalog")) {
    return std::optional<SeriesScan>();
  }
  if (call.args.size() < 2 || call.args.size() > 3) {
    return ctx.binder->ErrorAt(
        Status::InvalidArgument("function generate_series with " +
                                std::to_string(call.args.size()) + " arguments does not exist")
            .WithSqlState(kSqlStateUndefinedFunction),
        call.position);
  }
  std::vector<BoundExprPtr> args;
  Scope empty;
  for (const ExprPtr& a : call.args) {
    ASSIGN_OR_RETURN(BoundExprPtr b, ctx.binder->Bind(*a, empty, "FROM"));
    args.push_back(std::move(b));
  }
  ASSIGN_OR_RETURN(Type series_type, ResolveSeriesArgs(*ctx.binder, &args, call.position));
  const TypeId type = series_type.id();
  if (type == TypeId::kInt4 || type == TypeId::kInt8) {
    for (BoundExprPtr& b : args) {
      const TypeId t = b->type.id();
      if (t == TypeId::kUnknown || t == TypeId::kNull) {
        ASSIGN_OR_RETURN(
            b, ctx.binder->CoerceImplicit(std::move(b), Type::Of(TypeId::kInt4), call.position));
      }
    }
  }
  SeriesScan scan{ScopeColumn{"", "generate_series", Type::Of(type)},
                  std::make_unique<SeriesSource>(std::move(args), type, ctx.eval)};
  return std::optional<SeriesScan>(std::move(scan));
}

Result<std::optional<VirtualRelation>> CatalogFunction(const FunctionExpr& call, PlanContext&) {
  if (call.name.back() != "pg_get_keywords" || !call.args.empty() ||
      (call.name.size() > 1 && call.name[0] != "pg_catalog")) {
    return std::optional<VirtualRelation>();
  }
  VirtualRelation rel = Relation({{"word", kText},
                                  {"catcode", kText},
                                  {"barelabel", kBool},
                                  {"catdesc", kText},
                                  {"baredesc", kText}});
  static const std::pair<const char*, char> kWords[] = {
      {"all", 'R'},      {"and", 'R'},   {"as", 'R'},     {"asc", 'R'},    {"between", 'C'},
      {"by", 'U'},       {"case", 'R'},  {"cast", 'R'},   {"create", 'R'}, {"desc", 'R'},
      {"distinct", 'R'}, {"else", 'R'},  {"end", 'R'},    {"from", 'R'},   {"group", 'R'},
      {"in", 'R'},       {"index", 'U'}, {"insert", 'U'}, {"join", 'T'},   {"left", 'T'},
      {"limit", 'R'},    {"not", 'R'},   {"null", 'R'},   {"or", 'R'},     {"order", 'R'},
      {"select", 'R'},   {"table", 'R'}, {"then", 'R'},   {"union", 'R'},  {"where", 'R'},
      {"with", 'R'}};
  for (const auto& [word, code] : kWords) {
    const char* label = code == 'R'   ? "reserved"
                        : code == 'T' ? "reserved (can be function or type name)"
                        : code == 'C' ? "unreserved (cannot be function or type name)"
                                      : "unreserved";
    rel.rows.push_back({Text(word), Text(std::string(1, code)), Value::Bool(code != 'T'),
                        Text(label), Text(code != 'T' ? "can be bare label" : "requires AS")});
  }
  return std::optional<VirtualRelation>(std::move(rel));
}

}  // namespace blockdb::sql::exec
