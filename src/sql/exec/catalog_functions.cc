// The catalog functions (format_type, pg_get_indexdef, regclass input and output...) and the
// regular-expression operators ~ ~* !~ !~*. Regular expressions are POSIX extended syntax as
// std::regex reads it (PostgreSQL's ARE is a superset; back-references and lookahead are not
// supported).
#include <regex>

#include "sql/ast.h"
#include "sql/exec/catalog_relations.h"
#include "sql/exec/eval.h"
#include "sql/types/cast.h"
#include "sql/types/errors.h"

namespace blockdb::sql::exec {
namespace {

constexpr char kSqlStateInvalidRegex[] = "2201B";
constexpr char kSqlStateUndefinedObject[] = "42704";

Result<bool> RegexMatch(std::string_view text, const std::string& pattern, bool icase) {
  // One compiled pattern per thread: catalog queries compare many rows with one pattern.
  thread_local std::string cached_pattern;
  thread_local bool cached_icase = false;
  thread_local std::optional<std::regex> cached;
  if (!cached || cached_pattern != pattern || cached_icase != icase) {
    auto flags = std::regex::extended | std::regex::nosubs;
    if (icase) flags |= std::regex::icase;
    try {
      cached.emplace(pattern, flags);
    } catch (const std::regex_error& e) {
      cached.reset();
      return Status::InvalidArgument("invalid regular expression: " + std::string(e.what()))
          .WithSqlState(kSqlStateInvalidRegex);
    }
    cached_pattern = pattern;
    cached_icase = icase;
  }
  try {
    return std::regex_search(text.begin(), text.end(), *cached);
  } catch (const std::regex_error& e) {
    return Status::InvalidArgument("regular expression failed: " + std::string(e.what()))
        .WithSqlState(kSqlStateInvalidRegex);
  }
}

// Elements of an array's text form "{a,b}" joined by `sep`.
std::string ArrayToString(std::string_view array, std::string_view sep) {
  if (array.size() < 2 || array.front() != '{' || array.back() != '}') return std::string(array);
  array = array.substr(1, array.size() - 2);
  std::string out;
  size_t start = 0;
  while (start <= array.size() && !array.empty()) {
    size_t comma = array.find(',', start);
    std::string_view item = array.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (item != "NULL") out += (out.empty() ? "" : std::string(sep)) + std::string(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

// An OID or integer argument (an unknown literal such as '16384' included).
Result<Value> IntArg(const Value& v) {
  return CastValue(v, Type::Of(TypeId::kInt8), CastContext::kExplicit);
}

Value TextOrNull(const std::optional<std::string>& s) {
  return s ? Value::Text(*s) : Value::Null(TypeId::kText);
}

Result<Value> CatalogLookup(const BoundExpr& e, std::vector<Value>& args, const EvalContext& ctx) {
  static const Catalog* const kNoCatalog = nullptr;
  if (ctx.catalog == kNoCatalog) return Value::Null(e.type.id());
  const Catalog& catalog = *ctx.catalog;
  if (e.func == Func::kRegclassIn) {
    std::string name(args[0].bytes());
    std::optional<int64_t> oid = RelationOid(catalog, name);
    if (oid) return Value::Int8(*oid);
    if (!e.negated) return Value::Null(TypeId::kInt8);
    return Status::InvalidArgument("relation \"" + name + "\" does not exist")
        .WithSqlState(kSqlStateUndefinedTable);
  }
  ASSIGN_OR_RETURN(Value arg, IntArg(args[0]));
  const int64_t oid = arg.int_value();
  switch (e.func) {
    case Func::kPgGetUserById:
      return TextOrNull(RoleName(catalog, oid, ctx.user));
    case Func::kPgGetIndexDef:
      return TextOrNull(IndexDefinition(catalog, oid,
                                        args.size() > 2 && !args[2].is_null() &&
                                            args[2].type() == TypeId::kBool &&
                                            args[2].bool_value()));
    case Func::kPgGetConstraintDef:
      return TextOrNull(ConstraintDefinition(catalog, oid));
    case Func::kRegclassOut: {
      std::optional<std::string> name = RelationName(catalog, oid);
      return Value::Text(name ? QuoteIdentifierIfNeeded(*name) : std::to_string(oid));
    }
    default:
      break;
  }
  return Status::InvalidArgument("function not implemented").WithSqlState("XX000");
}

}  // namespace

std::vector<std::string> ArrayTextItems(std::string_view array) {
  std::string joined = ArrayToString(array, std::string(1, '\0'));
  std::vector<std::string> out;
  if (joined.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t end = joined.find('\0', start);
    out.push_back(joined.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

Result<Value> EvalCatalogFunction(const BoundExpr& e, std::vector<Value>& args,
                                  const EvalContext& ctx) {
  switch (e.func) {
    case Func::kAlwaysTrue:
      return Value::Bool(true);
    case Func::kAlwaysFalse:
      return Value::Bool(false);
    case Func::kNullText:
      return Value::Null(TypeId::kText);
    case Func::kArrayCat:
      for (Value& v : args) {
        if (v.is_null()) v = Value::Text("{}");
      }
      break;
    case Func::kFormatType: {
      if (args[0].is_null()) return Value::Null(TypeId::kText);
      ASSIGN_OR_RETURN(Value oid, IntArg(args[0]));
      int32_t typmod = -1;
      if (!args[1].is_null()) {
        ASSIGN_OR_RETURN(Value m, IntArg(args[1]));
        typmod = static_cast<int32_t>(m.int_value());
      }
      std::optional<std::string> name = FormatTypeOid(oid.int_value(), typmod);
      return Value::Text(name ? *name : "???");
    }
    default:
      break;
  }
  for (const Value& v : args) {
    if (v.is_null()) return Value::Null(e.type.id());
  }
  switch (e.func) {
    case Func::kRegexMatch: {
      ASSIGN_OR_RETURN(
          bool m, RegexMatch(args[0].bytes(), std::string(args[1].bytes()), e.case_insensitive));
      return Value::Bool(m != e.negated);
    }
    case Func::kPgGetExpr:
      return Value::Text(std::string(args[0].bytes()));
    case Func::kCurrentSchemas:
      return Value::Text(args[0].bool_value() ? "{pg_catalog,public}" : "{public}");
    case Func::kQuoteIdent:
      return Value::Text(QuoteIdentifierIfNeeded(args[0].bytes()));
    case Func::kEncodingToChar: {
      ASSIGN_OR_RETURN(Value v, IntArg(args[0]));
      return Value::Text(v.int_value() == 6 ? "UTF8" : v.int_value() == 0 ? "SQL_ASCII" : "");
    }
    case Func::kArraySubscript:
    case Func::kArrayUpper: {
      std::vector<std::string> items = ArrayTextItems(args[0].bytes());
      ASSIGN_OR_RETURN(Value i, IntArg(args[1]));
      if (e.func == Func::kArrayUpper) {
        if (items.empty() || i.int_value() != 1) return Value::Null(TypeId::kInt4);
        return Value::Int4(static_cast<int32_t>(items.size()));
      }
      if (i.int_value() < 1 || static_cast<uint64_t>(i.int_value()) > items.size()) {
        return Value::Null(TypeId::kUnknown);
      }
      return Value::Unknown(items[i.int_value() - 1]);
    }
    case Func::kArrayContains: {
      std::string x = FormatValue(args[0]);
      bool found = false;
      for (const std::string& item : ArrayTextItems(args[1].bytes())) found = found || item == x;
      return Value::Bool(found != e.negated);
    }
    case Func::kArrayCat: {
      std::vector<std::string> items = ArrayTextItems(args[0].bytes());
      for (std::string& item : ArrayTextItems(args[1].bytes())) items.push_back(std::move(item));
      std::vector<Value> values;
      for (std::string& item : items) values.push_back(Value::Text(std::move(item)));
      return Value::Text(ArrayText(values));
    }
    case Func::kPgGetFunctionResult:
    case Func::kPgGetFunctionArguments: {
      ASSIGN_OR_RETURN(Value oid, IntArg(args[0]));
      const LedgerProc* p = FindLedgerProc(oid.int_value());
      if (p == nullptr) return Value::Null(TypeId::kText);
      return Value::Text(e.func == Func::kPgGetFunctionResult ? p->result : p->arguments);
    }
    case Func::kArrayToString:
      return Value::Text(ArrayToString(args[0].bytes(), args[1].bytes()));
    case Func::kRegtypeOut: {
      std::optional<std::string> name = FormatTypeOid(args[0].int_value(), -1);
      return Value::Text(name ? *name : std::to_string(args[0].int_value()));
    }
    case Func::kRegtypeIn: {
      std::string name(args[0].bytes());
      std::optional<int64_t> oid = TypeOidByName(name);
      if (oid) return Value::Int8(*oid);
      return Status::InvalidArgument("type \"" + name + "\" does not exist")
          .WithSqlState(kSqlStateUndefinedObject);
    }
    case Func::kRegnamespaceOut: {
      int64_t oid = args[0].int_value();
      return Value::Text(oid == kPgCatalogNamespaceOid           ? "pg_catalog"
                         : oid == kPublicNamespaceOid            ? "public"
                         : oid == kInformationSchemaNamespaceOid ? "information_schema"
                                                                 : std::to_string(oid));
    }
    default:
      return CatalogLookup(e, args, ctx);
  }
}

}  // namespace blockdb::sql::exec
