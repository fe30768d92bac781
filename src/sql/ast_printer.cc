// S-expression rendering of expressions, queries and FROM items (statements: stmt_printer.cc).
#include "sql/internal/sexp.h"

#include "sql/ast.h"

namespace blockdb::sql {
namespace internal {

std::string Dotted(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) {
      out += '.';
    }
    out += QuoteIdentifierIfNeeded(names[i]);
  }
  return out;
}

std::string QuoteLiteral(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    out += c;
    if (c == '\'') {
      out += '\'';
    }
  }
  out += '\'';
  return out;
}

std::string Parenthesized(const std::vector<std::string>& items) {
  std::string out = "(";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      out += ' ';
    }
    out += items[i];
  }
  out += ')';
  return out;
}

std::string List(std::string_view head, const std::vector<std::string>& items) {
  std::string out = "(";
  out += head;
  for (const std::string& item : items) {
    out += ' ';
    out += item;
  }
  out += ')';
  return out;
}

std::string IdentifierList(std::string_view head, const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  quoted.reserve(names.size());
  for (const std::string& name : names) {
    quoted.push_back(QuoteIdentifierIfNeeded(name));
  }
  return List(head, quoted);
}

std::string ExprList(std::string_view head, const std::vector<ExprPtr>& exprs) {
  std::vector<std::string> items;
  items.reserve(exprs.size());
  for (const ExprPtr& e : exprs) {
    items.push_back(ToSexp(*e));
  }
  return List(head, items);
}

std::string SortItems(const std::vector<SortItem>& items) {
  std::vector<std::string> out;
  for (const SortItem& item : items) {
    std::string s = ToSexp(*item.expr);
    if (item.order != SortOrder::kDefault || item.nulls != NullsOrder::kDefault) {
      s = "(" + s;
      if (item.order == SortOrder::kAsc) {
        s += " ASC";
      } else if (item.order == SortOrder::kDesc) {
        s += " DESC";
      } else if (item.order == SortOrder::kUsing) {
        s += " USING " + item.using_op.ToString();
      }
      if (item.nulls == NullsOrder::kFirst) {
        s += " NULLS FIRST";
      } else if (item.nulls == NullsOrder::kLast) {
        s += " NULLS LAST";
      }
      s += ")";
    }
    out.push_back(std::move(s));
  }
  return List("order-by", out);
}

std::string Targets(std::string_view head, const std::vector<TargetItem>& targets) {
  std::vector<std::string> items;
  for (const TargetItem& t : targets) {
    std::string e = ToSexp(*t.expr);
    items.push_back(t.alias.empty() ? e
                                    : "(as " + e + " " + QuoteIdentifierIfNeeded(t.alias) + ")");
  }
  return List(head, items);
}

}  // namespace internal

namespace {

using internal::Dotted;
using internal::ExprList;
using internal::List;
using internal::QuoteLiteral;
using internal::SortItems;

std::string Literal(const LiteralExpr& e) {
  switch (e.literal_kind) {
    case LiteralKind::kNull:
      return "NULL";
    case LiteralKind::kBoolean:
      return e.value == "true" ? "TRUE" : "FALSE";
    case LiteralKind::kInteger:
    case LiteralKind::kNumeric:
      return e.value;
    case LiteralKind::kString:
      return QuoteLiteral(e.value);
    case LiteralKind::kBitString:
      return "B" + QuoteLiteral(e.value);
  }
  return "?";
}

std::string SqlValueName(SqlValue v) {
  switch (v) {
    case SqlValue::kCurrentDate:
      return "CURRENT_DATE";
    case SqlValue::kCurrentTime:
      return "CURRENT_TIME";
    case SqlValue::kCurrentTimestamp:
      return "CURRENT_TIMESTAMP";
    case SqlValue::kLocalTime:
      return "LOCALTIME";
    case SqlValue::kLocalTimestamp:
      return "LOCALTIMESTAMP";
    case SqlValue::kCurrentRole:
      return "CURRENT_ROLE";
    case SqlValue::kCurrentUser:
      return "CURRENT_USER";
    case SqlValue::kSessionUser:
      return "SESSION_USER";
    case SqlValue::kUser:
      return "USER";
    case SqlValue::kCurrentCatalog:
      return "CURRENT_CATALOG";
    case SqlValue::kCurrentSchema:
      return "CURRENT_SCHEMA";
  }
  return "?";
}

std::string IsTestName(const IsExpr& e) {
  std::string s = e.negated ? "IS NOT " : "IS ";
  switch (e.test) {
    case IsTest::kNull:
      return s + "NULL";
    case IsTest::kTrue:
      return s + "TRUE";
    case IsTest::kFalse:
      return s + "FALSE";
    case IsTest::kUnknown:
      return s + "UNKNOWN";
    case IsTest::kDistinctFrom:
      return s + "DISTINCT FROM";
  }
  return "?";
}

std::string FrameBoundText(const FrameBound& b) {
  switch (b.kind) {
    case FrameBoundKind::kUnboundedPreceding:
      return "UNBOUNDED-PRECEDING";
    case FrameBoundKind::kPreceding:
      return "(PRECEDING " + ToSexp(*b.offset) + ")";
    case FrameBoundKind::kCurrentRow:
      return "CURRENT-ROW";
    case FrameBoundKind::kFollowing:
      return "(FOLLOWING " + ToSexp(*b.offset) + ")";
    case FrameBoundKind::kUnboundedFollowing:
      return "UNBOUNDED-FOLLOWING";
  }
  return "?";
}

std::string FrameText(const WindowFrame& f) {
  static constexpr const char* kModes[] = {"RANGE", "ROWS", "GROUPS"};
  static constexpr const char* kExclusions[] = {"", " EXCLUDE-CURRENT-ROW", " EXCLUDE-GROUP",
                                                " EXCLUDE-TIES"};
  return std::string("(") + kModes[static_cast<int>(f.mode)] + " " + FrameBoundText(f.start) + " " +
         FrameBoundText(f.end) + kExclusions[static_cast<int>(f.exclusion)] + ")";
}

std::string FunctionText(const FunctionExpr& f) {
  std::vector<std::string> items;
  items.push_back(Dotted(f.name));
  if (f.distinct) {
    items.push_back("DISTINCT");
  }
  if (f.star) {
    items.push_back("*");
  }
  for (size_t i = 0; i < f.args.size(); ++i) {
    std::string arg = ToSexp(*f.args[i]);
    if (f.variadic && i + 1 == f.args.size()) {
      arg = "(VARIADIC " + arg + ")";
    }
    if (i < f.arg_names.size() && !f.arg_names[i].empty()) {
      arg = "(=> " + QuoteIdentifierIfNeeded(f.arg_names[i]) + " " + arg + ")";
    }
    items.push_back(std::move(arg));
  }
  if (!f.order_by.empty()) {
    std::string order = SortItems(f.order_by);
    items.push_back(f.within_group ? "(within-group " + order + ")" : order);
  }
  if (f.filter != nullptr) {
    items.push_back("(filter " + ToSexp(*f.filter) + ")");
  }
  if (f.over != nullptr) {
    items.push_back(internal::WindowSpecText("over", *f.over));
  }
  return List("call", items);
}

std::string SubqueryText(const SubqueryExpr& e) {
  std::string q = ToSexp(*e.query);
  switch (e.subquery_kind) {
    case SubqueryKind::kScalar:
      return "(SUBQUERY " + q + ")";
    case SubqueryKind::kExists:
      return "(EXISTS " + q + ")";
    case SubqueryKind::kArray:
      return "(ARRAY " + q + ")";
    case SubqueryKind::kIn:
      return std::string(e.negated ? "(NOT IN " : "(IN ") + ToSexp(*e.arg) + " " + q + ")";
    case SubqueryKind::kAny:
      return "(" + e.op.ToString() + " ANY " + ToSexp(*e.arg) + " " + q + ")";
    case SubqueryKind::kAll:
      return "(" + e.op.ToString() + " ALL " + ToSexp(*e.arg) + " " + q + ")";
  }
  return "?";
}

std::string CaseText(const CaseExpr& e) {
  std::vector<std::string> items;
  if (e.arg != nullptr) {
    items.push_back(ToSexp(*e.arg));
  }
  for (const CaseWhen& w : e.whens) {
    items.push_back("(WHEN " + ToSexp(*w.condition) + " " + ToSexp(*w.result) + ")");
  }
  if (e.else_result != nullptr) {
    items.push_back("(ELSE " + ToSexp(*e.else_result) + ")");
  }
  return List("CASE", items);
}

std::string LikeText(const LikeExpr& e) {
  static constexpr const char* kNames[] = {"LIKE", "ILIKE", "SIMILAR TO"};
  std::string s = std::string("(") + (e.negated ? "NOT " : "") +
                  kNames[static_cast<int>(e.like_kind)] + " " + ToSexp(*e.arg) + " " +
                  ToSexp(*e.pattern);
  if (e.escape != nullptr) {
    s += " (ESCAPE " + ToSexp(*e.escape) + ")";
  }
  return s + ")";
}

std::string SubscriptText(const SubscriptExpr& e) {
  if (!e.slice) {
    return "([] " + ToSexp(*e.arg) + " " + ToSexp(*e.lower) + ")";
  }
  return "([:] " + ToSexp(*e.arg) + " " + (e.lower ? ToSexp(*e.lower) : "_") + " " +
         (e.upper ? ToSexp(*e.upper) : "_") + ")";
}

}  // namespace

std::string internal::WindowSpecText(std::string_view head, const WindowSpec& w) {
  std::vector<std::string> items;
  if (!w.ref_name.empty()) {
    items.push_back(QuoteIdentifierIfNeeded(w.ref_name));
  }
  if (!w.partition_by.empty()) {
    items.push_back(ExprList("partition-by", w.partition_by));
  }
  if (!w.order_by.empty()) {
    items.push_back(SortItems(w.order_by));
  }
  if (w.frame.has_value()) {
    items.push_back(FrameText(*w.frame));
  }
  return List(head, items);
}

std::string ToSexp(const Expr& expr) {
  switch (expr.kind) {
    case ExprKind::kLiteral:
      return Literal(expr.As<LiteralExpr>());
    case ExprKind::kParam:
      return "$" + std::to_string(expr.As<ParamExpr>().number);
    case ExprKind::kColumnRef:
      return Dotted(expr.As<ColumnRefExpr>().names);
    case ExprKind::kStar: {
      const auto& q = expr.As<StarExpr>().qualifier;
      return q.empty() ? "*" : Dotted(q) + ".*";
    }
    case ExprKind::kUnary: {
      const auto& e = expr.As<UnaryExpr>();
      return "(" + e.op.ToString() + " " + ToSexp(*e.operand) + ")";
    }
    case ExprKind::kBinary: {
      const auto& e = expr.As<BinaryExpr>();
      return "(" + e.op.ToString() + " " + ToSexp(*e.left) + " " + ToSexp(*e.right) + ")";
    }
    case ExprKind::kBool: {
      const auto& e = expr.As<BoolExpr>();
      static constexpr const char* kNames[] = {"AND", "OR", "NOT"};
      return ExprList(kNames[static_cast<int>(e.op)], e.args);
    }
    case ExprKind::kIs: {
      const auto& e = expr.As<IsExpr>();
      std::string s = "(" + IsTestName(e) + " " + ToSexp(*e.arg);
      if (e.other != nullptr) {
        s += " " + ToSexp(*e.other);
      }
      return s + ")";
    }
    case ExprKind::kBetween: {
      const auto& e = expr.As<BetweenExpr>();
      return std::string("(") + (e.negated ? "NOT " : "") + "BETWEEN" +
             (e.symmetric ? " SYMMETRIC " : " ") + ToSexp(*e.arg) + " " + ToSexp(*e.low) + " " +
             ToSexp(*e.high) + ")";
    }
    case ExprKind::kInList: {
      const auto& e = expr.As<InListExpr>();
      std::vector<std::string> items;
      for (const ExprPtr& item : e.list) {
        items.push_back(ToSexp(*item));
      }
      return std::string(e.negated ? "(NOT IN " : "(IN ") + ToSexp(*e.arg) + " " +
             internal::Parenthesized(items) + ")";
    }
    case ExprKind::kLike:
      return LikeText(expr.As<LikeExpr>());
    case ExprKind::kSubquery:
      return SubqueryText(expr.As<SubqueryExpr>());
    case ExprKind::kQuantified: {
      const auto& e = expr.As<QuantifiedExpr>();
      return "(" + e.op.ToString() + (e.quantifier == Quantifier::kAny ? " ANY " : " ALL ") +
             ToSexp(*e.left) + " " + ToSexp(*e.array) + ")";
    }
    case ExprKind::kCase:
      return CaseText(expr.As<CaseExpr>());
    case ExprKind::kCast: {
      const auto& e = expr.As<CastExpr>();
      return "(:: " + ToSexp(*e.arg) + " " + e.type.ToString() + ")";
    }
    case ExprKind::kCollate: {
      const auto& e = expr.As<CollateExpr>();
      return "(COLLATE " + ToSexp(*e.arg) + " " + Dotted(e.collation) + ")";
    }
    case ExprKind::kFunction:
      return FunctionText(expr.As<FunctionExpr>());
    case ExprKind::kSqlValue: {
      const auto& e = expr.As<SqlValueExpr>();
      std::string name = SqlValueName(e.value);
      return e.precision < 0 ? name : "(" + name + " " + std::to_string(e.precision) + ")";
    }
    case ExprKind::kArray:
      return ExprList("ARRAY", expr.As<ArrayExpr>().elements);
    case ExprKind::kRow:
      return ExprList("ROW", expr.As<RowExpr>().fields);
    case ExprKind::kSubscript:
      return SubscriptText(expr.As<SubscriptExpr>());
    case ExprKind::kFieldSelect: {
      const auto& e = expr.As<FieldSelectExpr>();
      return "(. " + ToSexp(*e.arg) + " " + (e.star ? "*" : QuoteIdentifierIfNeeded(e.field)) + ")";
    }
    case ExprKind::kAtTimeZone: {
      const auto& e = expr.As<AtTimeZoneExpr>();
      return "(AT-TIME-ZONE " + ToSexp(*e.arg) + " " + ToSexp(*e.zone) + ")";
    }
    case ExprKind::kDefault:
      return "DEFAULT";
  }
  return "?";
}

}  // namespace blockdb::sql
