#include "sql/ast.h"

namespace blockdb::sql {

// Out-of-line so that unique_ptr<Query> members are destroyed where Query is complete.
SubqueryExpr::SubqueryExpr(int pos, SubqueryKind k) : Expr(kKind, pos), subquery_kind(k) {}
SubqueryExpr::~SubqueryExpr() = default;
SubqueryRef::SubqueryRef(int pos) : FromItem(kKind, pos) {}
SubqueryRef::~SubqueryRef() = default;
NestedQueryBody::NestedQueryBody(int pos) : QueryBody(kKind, pos) {}
NestedQueryBody::~NestedQueryBody() = default;
CommonTableExpr::CommonTableExpr() = default;
CommonTableExpr::CommonTableExpr(CommonTableExpr&&) noexcept = default;
CommonTableExpr& CommonTableExpr::operator=(CommonTableExpr&&) noexcept = default;
CommonTableExpr::~CommonTableExpr() = default;

std::string OperatorName::ToString() const {
  if (schema.empty()) {
    return name;
  }
  return "OPERATOR(" + QuoteIdentifierIfNeeded(schema) + "." + name + ")";
}

std::string TypeName::ToString() const {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) {
      out += '.';
    }
    out += QuoteIdentifierIfNeeded(names[i]);
  }
  if (!interval_fields.empty()) {
    out += ' ';
    out += interval_fields;
  }
  if (!modifiers.empty()) {
    out += '(';
    for (size_t i = 0; i < modifiers.size(); ++i) {
      if (i > 0) {
        out += ',';
      }
      out += std::to_string(modifiers[i]);
    }
    out += ')';
  }
  for (int i = 0; i < array_dims; ++i) {
    out += "[]";
  }
  return out;
}

std::string QualifiedName::ToString() const {
  std::string out;
  if (!catalog.empty()) {
    out += QuoteIdentifierIfNeeded(catalog) + ".";
  }
  if (!schema.empty()) {
    out += QuoteIdentifierIfNeeded(schema) + ".";
  }
  out += QuoteIdentifierIfNeeded(name);
  return out;
}

bool OpaqueStmt::Matches(StatementKind k) {
  switch (k) {
    case StatementKind::kUpdate:
    case StatementKind::kDelete:
    case StatementKind::kTruncate:
    case StatementKind::kDrop:
    case StatementKind::kAlter:
    case StatementKind::kMerge:
    case StatementKind::kGrant:
    case StatementKind::kRevoke:
    case StatementKind::kComment:
    case StatementKind::kVacuum:
    case StatementKind::kAnalyze:
      return true;
    default:
      return false;
  }
}

std::string_view StatementKindName(StatementKind kind) {
  switch (kind) {
    case StatementKind::kSelect:
      return "SELECT";
    case StatementKind::kInsert:
      return "INSERT";
    case StatementKind::kCreateTable:
      return "CREATE TABLE";
    case StatementKind::kCreateIndex:
      return "CREATE INDEX";
    case StatementKind::kCreateRole:
      return "CREATE ROLE";
    case StatementKind::kUpdate:
      return "UPDATE";
    case StatementKind::kDelete:
      return "DELETE";
    case StatementKind::kTruncate:
      return "TRUNCATE";
    case StatementKind::kDrop:
      return "DROP";
    case StatementKind::kAlter:
      return "ALTER";
    case StatementKind::kMerge:
      return "MERGE";
    case StatementKind::kGrant:
      return "GRANT";
    case StatementKind::kRevoke:
      return "REVOKE";
    case StatementKind::kComment:
      return "COMMENT";
    case StatementKind::kVacuum:
      return "VACUUM";
    case StatementKind::kAnalyze:
      return "ANALYZE";
    case StatementKind::kTransaction:
      return "TRANSACTION";
    case StatementKind::kSet:
      return "SET";
    case StatementKind::kShow:
      return "SHOW";
    case StatementKind::kReset:
      return "RESET";
    case StatementKind::kDeallocate:
      return "DEALLOCATE";
    case StatementKind::kDiscard:
      return "DISCARD";
    case StatementKind::kPrepare:
      return "PREPARE";
    case StatementKind::kExecute:
      return "EXECUTE";
    case StatementKind::kExplain:
      return "EXPLAIN";
    case StatementKind::kDeclareCursor:
      return "DECLARE CURSOR";
    case StatementKind::kFetch:
      return "FETCH";
    case StatementKind::kClose:
      return "CLOSE";
    case StatementKind::kCopy:
      return "COPY";
    case StatementKind::kListen:
      return "LISTEN";
    case StatementKind::kUnlisten:
      return "UNLISTEN";
    case StatementKind::kNotify:
      return "NOTIFY";
    case StatementKind::kVerifyChain:
      return "VERIFY CHAIN";
  }
  return "UNKNOWN";
}

std::string QuoteIdentifierIfNeeded(std::string_view name) {
  bool plain = !name.empty() && (name[0] == '_' || (name[0] >= 'a' && name[0] <= 'z'));
  for (char c : name) {
    if (!(c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
      plain = false;
    }
  }
  if (plain) {
    return std::string(name);
  }
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') {
      out += '"';
    }
  }
  out += '"';
  return out;
}

}  // namespace blockdb::sql
