// S-expression rendering of queries and FROM items.
#include "sql/ast.h"
#include "sql/internal/sexp.h"

namespace blockdb::sql {
namespace {

using internal::ExprList;
using internal::IdentifierList;
using internal::List;

std::string AliasText(const Alias& alias) {
  std::vector<std::string> items{QuoteIdentifierIfNeeded(alias.name)};
  for (const std::string& c : alias.columns) {
    items.push_back(QuoteIdentifierIfNeeded(c));
  }
  return List("alias", items);
}

std::string JoinTypeName(JoinType t) {
  switch (t) {
    case JoinType::kInner:
      return "inner";
    case JoinType::kLeft:
      return "left";
    case JoinType::kRight:
      return "right";
    case JoinType::kFull:
      return "full";
    case JoinType::kCross:
      return "cross";
  }
  return "?";
}

std::string JoinText(const JoinRef& j) {
  std::vector<std::string> items{JoinTypeName(j.join_type)};
  if (j.natural) {
    items.push_back("natural");
  }
  items.push_back(ToSexp(*j.left));
  items.push_back(ToSexp(*j.right));
  if (j.on != nullptr) {
    items.push_back("(on " + ToSexp(*j.on) + ")");
  }
  if (!j.using_columns.empty()) {
    items.push_back(IdentifierList("using", j.using_columns));
  }
  if (!j.using_alias.empty()) {
    items.push_back("(using-alias " + QuoteIdentifierIfNeeded(j.using_alias) + ")");
  }
  return List("join", items);
}

std::string SelectText(const SelectBody& s) {
  std::vector<std::string> items;
  if (!s.distinct_on.empty()) {
    items.push_back(ExprList("distinct-on", s.distinct_on));
  } else if (s.distinct) {
    items.push_back("DISTINCT");
  }
  items.push_back(internal::Targets("targets", s.targets));
  if (!s.from.empty()) {
    std::vector<std::string> from;
    for (const FromItemPtr& f : s.from) {
      from.push_back(ToSexp(*f));
    }
    items.push_back(List("from", from));
  }
  if (s.where != nullptr) {
    items.push_back("(where " + ToSexp(*s.where) + ")");
  }
  if (!s.group_by.empty()) {
    items.push_back(ExprList(s.group_by_distinct ? "group-by-distinct" : "group-by", s.group_by));
  }
  if (s.having != nullptr) {
    items.push_back("(having " + ToSexp(*s.having) + ")");
  }
  for (const WindowDef& w : s.windows) {
    items.push_back(internal::WindowSpecText("window " + QuoteIdentifierIfNeeded(w.name), w.spec));
  }
  return List("select", items);
}

std::string ValuesText(const ValuesBody& v) {
  std::vector<std::string> rows;
  for (const auto& row : v.rows) {
    std::vector<std::string> cells;
    for (const ExprPtr& e : row) {
      cells.push_back(ToSexp(*e));
    }
    rows.push_back(internal::Parenthesized(cells));
  }
  return List("values", rows);
}

std::string LockingText(const LockingClause& l) {
  static constexpr const char* kStrengths[] = {"update", "no-key-update", "share", "key-share"};
  std::vector<std::string> items{kStrengths[static_cast<int>(l.strength)]};
  for (const QualifiedName& t : l.tables) {
    items.push_back(t.ToString());
  }
  if (l.wait == LockWait::kNoWait) {
    items.push_back("NOWAIT");
  } else if (l.wait == LockWait::kSkipLocked) {
    items.push_back("SKIP-LOCKED");
  }
  return List("for", items);
}

}  // namespace

std::string internal::WithText(const WithClause& with) {
  std::vector<std::string> items;
  if (with.recursive) {
    items.push_back("RECURSIVE");
  }
  for (const CommonTableExpr& cte : with.ctes) {
    std::vector<std::string> parts{QuoteIdentifierIfNeeded(cte.name)};
    if (!cte.columns.empty()) {
      parts.push_back(internal::IdentifierList("columns", cte.columns));
    }
    if (cte.materialized.has_value()) {
      parts.push_back(*cte.materialized ? "MATERIALIZED" : "NOT-MATERIALIZED");
    }
    parts.push_back(ToSexp(*cte.query));
    items.push_back(List("cte", parts));
  }
  return List("with", items);
}

std::string ToSexp(const QueryBody& body) {
  switch (body.kind) {
    case QueryBodyKind::kSelect:
      return SelectText(body.As<SelectBody>());
    case QueryBodyKind::kValues:
      return ValuesText(body.As<ValuesBody>());
    case QueryBodyKind::kSetOperation: {
      const auto& s = body.As<SetOperationBody>();
      static constexpr const char* kOps[] = {"union", "intersect", "except"};
      return std::string("(") + kOps[static_cast<int>(s.op)] + (s.all ? " all " : " ") +
             ToSexp(*s.left) + " " + ToSexp(*s.right) + ")";
    }
    case QueryBodyKind::kNested:
      return ToSexp(*body.As<NestedQueryBody>().query);
  }
  return "?";
}

// A query with nothing but a body prints as the body alone.
std::string ToSexp(const Query& q) {
  std::string body = ToSexp(*q.body);
  if (q.with == nullptr && q.order_by.empty() && q.limit == nullptr && q.offset == nullptr &&
      q.locking.empty()) {
    return body;
  }
  std::vector<std::string> items;
  if (q.with != nullptr) {
    items.push_back(internal::WithText(*q.with));
  }
  items.push_back(std::move(body));
  if (!q.order_by.empty()) {
    items.push_back(internal::SortItems(q.order_by));
  }
  if (q.limit != nullptr) {
    items.push_back(std::string(q.limit_with_ties ? "(limit-with-ties " : "(limit ") +
                    ToSexp(*q.limit) + ")");
  }
  if (q.offset != nullptr) {
    items.push_back("(offset " + ToSexp(*q.offset) + ")");
  }
  for (const LockingClause& l : q.locking) {
    items.push_back(LockingText(l));
  }
  return List("query", items);
}

std::string ToSexp(const FromItem& item) {
  std::vector<std::string> items;
  std::string head;
  switch (item.kind) {
    case FromKind::kTable: {
      const auto& t = item.As<TableRef>();
      head = "table";
      items.push_back(t.name.ToString());
      if (t.only) {
        items.push_back("ONLY");
      }
      if (t.as_of_block != nullptr) {
        items.push_back("(as-of-block " + ToSexp(*t.as_of_block) + ")");
      }
      break;
    }
    case FromKind::kSubquery: {
      const auto& s = item.As<SubqueryRef>();
      head = s.lateral ? "lateral-subquery" : "subquery";
      items.push_back(ToSexp(*s.query));
      break;
    }
    case FromKind::kFunction: {
      const auto& f = item.As<FunctionRef>();
      head = f.lateral ? "lateral-function" : "function";
      items.push_back(ToSexp(*f.function));
      if (f.with_ordinality) {
        items.push_back("WITH-ORDINALITY");
      }
      break;
    }
    case FromKind::kJoin:
      if (item.alias.empty()) {
        return JoinText(item.As<JoinRef>());
      }
      head = "nested";
      items.push_back(JoinText(item.As<JoinRef>()));
      break;
  }
  if (!item.alias.empty()) {
    items.push_back(AliasText(item.alias));
  }
  return List(head, items);
}

}  // namespace blockdb::sql
