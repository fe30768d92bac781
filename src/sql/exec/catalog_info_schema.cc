// information_schema's relations with PostgreSQL 15's columns (catalog_relations.h). Only the
// public schema's objects are listed (PostgreSQL also lists its own catalogs).
#include <string>

#include "sql/exec/catalog_internal.h"

namespace blockdb::sql::exec {
namespace catalog_internal {
namespace {

Value I4(int v) { return Value::Int4(v); }
Value I4OrNull(int v) { return v < 0 ? Value::Null(kI4) : Value::Int4(v); }
Value NullText() { return Value::Null(TypeId::kText); }
Value YesNo(bool v) { return Text(v ? "YES" : "NO"); }

VirtualRelation Schemata(PlanContext& ctx) {
  VirtualRelation rel = Relation({{"catalog_name", kName},
                                  {"schema_name", kName},
                                  {"schema_owner", kName},
                                  {"default_character_set_catalog", kName},
                                  {"default_character_set_schema", kName},
                                  {"default_character_set_name", kName},
                                  {"sql_path", kText}});
  for (const char* schema : {"information_schema", "pg_catalog", "public"}) {
    rel.rows.push_back({Text(ctx.eval->database), Text(schema), Text(kBootstrapRole), NullText(),
                        NullText(), NullText(), NullText()});
  }
  return rel;
}

VirtualRelation Tables(PlanContext& ctx) {
  VirtualRelation rel = Relation({{"table_catalog", kName},
                                  {"table_schema", kName},
                                  {"table_name", kName},
                                  {"table_type", kText},
                                  {"self_referencing_column_name", kName},
                                  {"reference_generation", kText},
                                  {"user_defined_type_catalog", kName},
                                  {"user_defined_type_schema", kName},
                                  {"user_defined_type_name", kName},
                                  {"is_insertable_into", kText},
                                  {"is_typed", kText},
                                  {"commit_action", kText}});
  auto add = [&](const std::string& name, bool view) {
    rel.rows.push_back({Text(ctx.eval->database), Text("public"), Text(name),
                        Text(view ? "VIEW" : "BASE TABLE"), NullText(), NullText(), NullText(),
                        NullText(), NullText(), YesNo(!view), YesNo(false), NullText()});
  };
  for (const auto& table : ctx.database->catalog().Tables()) add(table->name, false);
  add("blockdb_blocks", true);
  return rel;
}

// The numeric_precision, radix, scale and datetime_precision of a column type.
struct NumericFacts {
  int precision = -1, radix = -1, scale = -1, datetime = -1;
};
NumericFacts FactsOf(const Type& t) {
  switch (t.id()) {
    case TypeId::kInt2:
      return {16, 2, 0, -1};
    case TypeId::kInt4:
      return {32, 2, 0, -1};
    case TypeId::kInt8:
      return {64, 2, 0, -1};
    case TypeId::kFloat4:
      return {24, 2, -1, -1};
    case TypeId::kFloat8:
      return {53, 2, -1, -1};
    case TypeId::kNumeric:
      return t.has_modifier() ? NumericFacts{t.numeric_precision(), 10, t.numeric_scale(), -1}
                              : NumericFacts{-1, 10, -1, -1};
    case TypeId::kDate:
      return {-1, -1, -1, 0};
    case TypeId::kTimestamp:
    case TypeId::kTimestamptz:
    case TypeId::kInterval:
      return {-1, -1, -1, 6};
    default:
      return {};
  }
}

Row ColumnRow(const std::string& db, const TableDef& table, size_t i) {
  const ColumnSchema& c = table.columns[i];
  const PgType* pg = FindPgType(c.type.oid());
  bool string = c.type.id() == TypeId::kText || c.type.id() == TypeId::kVarchar;
  int max_len = c.type.varchar_length();
  NumericFacts f = FactsOf(c.type);
  std::string ord = std::to_string(i + 1);
  bool ident = c.identity;
  bool big = c.type.id() == TypeId::kInt8;
  std::string max = c.type.id() == TypeId::kInt2 ? "32767"
                    : big                        ? "9223372036854775807"
                                                 : "2147483647";
  Row row = {Text(db),
             Text(table.schema),
             Text(table.name),
             Text(c.name),
             I4(int(i + 1)),
             c.default_expr ? Text(DefaultText(c)) : NullText(),
             YesNo(!c.not_null),
             Text(std::string(TypeIdName(c.type.id()))),
             I4OrNull(max_len),
             string ? I4(max_len > 0 ? max_len * 4 : 1073741824) : Value::Null(kI4),
             I4OrNull(f.precision),
             I4OrNull(f.radix),
             I4OrNull(f.scale),
             I4OrNull(f.datetime),
             NullText(),
             Value::Null(kI4)};
  for (int k = 0; k < 9; ++k) row.push_back(NullText());  // character set, collation, domain
  row.push_back(Text(db));
  row.push_back(Text("pg_catalog"));
  row.push_back(Text(pg != nullptr ? pg->name : ""));
  for (int k = 0; k < 3; ++k) row.push_back(NullText());  // scope
  row.push_back(Value::Null(kI4));                        // maximum_cardinality
  row.push_back(Text(ord));
  row.push_back(YesNo(false));
  row.push_back(YesNo(ident));
  row.push_back(ident ? Text(c.identity_always ? "ALWAYS" : "BY DEFAULT") : NullText());
  row.push_back(ident ? Text("1") : NullText());
  row.push_back(ident ? Text("1") : NullText());
  row.push_back(ident ? Text(max) : NullText());
  row.push_back(ident ? Text("1") : NullText());
  row.push_back(ident ? YesNo(false) : NullText());
  row.push_back(Text("NEVER"));
  row.push_back(NullText());
  row.push_back(YesNo(true));
  return row;
}

VirtualRelation Columns(PlanContext& ctx) {
  VirtualRelation rel = Relation({{"table_catalog", kName},
                                  {"table_schema", kName},
                                  {"table_name", kName},
                                  {"column_name", kName},
                                  {"ordinal_position", kI4},
                                  {"column_default", kText},
                                  {"is_nullable", kText},
                                  {"data_type", kText},
                                  {"character_maximum_length", kI4},
                                  {"character_octet_length", kI4},
                                  {"numeric_precision", kI4},
                                  {"numeric_precision_radix", kI4},
                                  {"numeric_scale", kI4},
                                  {"datetime_precision", kI4},
                                  {"interval_type", kText},
                                  {"interval_precision", kI4},
                                  {"character_set_catalog", kName},
                                  {"character_set_schema", kName},
                                  {"character_set_name", kName},
                                  {"collation_catalog", kName},
                                  {"collation_schema", kName},
                                  {"collation_name", kName},
                                  {"domain_catalog", kName},
                                  {"domain_schema", kName},
                                  {"domain_name", kName},
                                  {"udt_catalog", kName},
                                  {"udt_schema", kName},
                                  {"udt_name", kName},
                                  {"scope_catalog", kName},
                                  {"scope_schema", kName},
                                  {"scope_name", kName},
                                  {"maximum_cardinality", kI4},
                                  {"dtd_identifier", kName},
                                  {"is_self_referencing", kText},
                                  {"is_identity", kText},
                                  {"identity_generation", kText},
                                  {"identity_start", kText},
                                  {"identity_increment", kText},
                                  {"identity_maximum", kText},
                                  {"identity_minimum", kText},
                                  {"identity_cycle", kText},
                                  {"is_generated", kText},
                                  {"generation_expression", kText},
                                  {"is_updatable", kText}});
  for (const auto& table : ctx.database->catalog().Tables()) {
    for (size_t i = 0; i < table->columns.size(); ++i) {
      rel.rows.push_back(ColumnRow(ctx.eval->database, *table, i));
    }
  }
  return rel;
}

VirtualRelation TableConstraints(PlanContext& ctx) {
  VirtualRelation rel = Relation({{"constraint_catalog", kName},
                                  {"constraint_schema", kName},
                                  {"constraint_name", kName},
                                  {"table_catalog", kName},
                                  {"table_schema", kName},
                                  {"table_name", kName},
                                  {"constraint_type", kText},
                                  {"is_deferrable", kText},
                                  {"initially_deferred", kText},
                                  {"enforced", kText},
                                  {"nulls_distinct", kText}});
  const std::string& db = ctx.eval->database;
  auto add = [&](const TableDef& t, const std::string& name, const char* type, Value nulls) {
    rel.rows.push_back({Text(db), Text(t.schema), Text(name), Text(db), Text(t.schema),
                        Text(t.name), Text(type), YesNo(false), YesNo(false), YesNo(true),
                        std::move(nulls)});
  };
  for (const auto& table : ctx.database->catalog().Tables()) {
    for (const RelIndex& index : IndexesOfTable(ctx.database->catalog(), *table)) {
      if (index.constraint_oid == 0) continue;
      add(*table, index.name, index.primary ? "PRIMARY KEY" : "UNIQUE",
          index.primary ? NullText() : YesNo(true));
    }
    for (size_t i = 0; i < table->columns.size(); ++i) {
      if (!table->columns[i].not_null) continue;
      add(*table,
          std::to_string(kPublicNamespaceOid) + "_" + std::to_string(table->id) + "_" +
              std::to_string(i + 1) + "_not_null",
          "CHECK", NullText());
    }
  }
  return rel;
}

VirtualRelation KeyColumnUsage(PlanContext& ctx) {
  VirtualRelation rel = Relation({{"constraint_catalog", kName},
                                  {"constraint_schema", kName},
                                  {"constraint_name", kName},
                                  {"table_catalog", kName},
                                  {"table_schema", kName},
                                  {"table_name", kName},
                                  {"column_name", kName},
                                  {"ordinal_position", kI4},
                                  {"position_in_unique_constraint", kI4}});
  const std::string& db = ctx.eval->database;
  for (const auto& table : ctx.database->catalog().Tables()) {
    for (const RelIndex& index : IndexesOfTable(ctx.database->catalog(), *table)) {
      if (index.constraint_oid == 0) continue;
      for (size_t k = 0; k < index.columns.size(); ++k) {
        rel.rows.push_back({Text(db), Text(table->schema), Text(index.name), Text(db),
                            Text(table->schema), Text(table->name),
                            Text(table->columns[index.columns[k].column].name),
                            I4(static_cast<int>(k + 1)), Value::Null(kI4)});
      }
    }
  }
  return rel;
}

}  // namespace

std::optional<VirtualRelation> InfoSchemaTable(std::string_view name, PlanContext& ctx) {
  if (name == "schemata") return Schemata(ctx);
  if (name == "tables") return Tables(ctx);
  if (name == "columns") return Columns(ctx);
  if (name == "table_constraints") return TableConstraints(ctx);
  if (name == "key_column_usage") return KeyColumnUsage(ctx);
  if (name == "views") {
    return Relation({{"table_catalog", kName},
                     {"table_schema", kName},
                     {"table_name", kName},
                     {"view_definition", kText},
                     {"check_option", kText},
                     {"is_updatable", kText},
                     {"is_insertable_into", kText},
                     {"is_trigger_updatable", kText},
                     {"is_trigger_deletable", kText},
                     {"is_trigger_insertable_into", kText}});
  }
  return std::nullopt;
}

}  // namespace catalog_internal
}  // namespace blockdb::sql::exec
