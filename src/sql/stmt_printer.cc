// S-expression rendering of statements.
#include <cctype>

#include "sql/ast.h"
#include "sql/internal/sexp.h"

namespace blockdb::sql {
namespace {

using internal::IdentifierList;
using internal::List;
using internal::QuoteLiteral;

// "CREATE TABLE" -> "create-table".
std::string KindHead(StatementKind kind) {
  std::string out;
  for (char c : StatementKindName(kind)) {
    out += c == ' ' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string OptionText(const OptionItem& o) {
  std::vector<std::string> items{o.name};
  if (o.value.has_value()) {
    items.push_back(QuoteLiteral(*o.value));
  }
  for (const std::string& v : o.list) {
    items.push_back(v == "*" ? v : QuoteIdentifierIfNeeded(v));
  }
  return internal::Parenthesized(items);
}

std::string ConstraintText(const Constraint& c) {
  static constexpr const char* kNames[] = {"NOT-NULL",   "NULL",     "PRIMARY-KEY", "UNIQUE",
                                           "DEFAULT",    "IDENTITY", "GENERATED",   "CHECK",
                                           "REFERENCES", "COLLATE"};
  std::vector<std::string> items;
  if (!c.name.empty()) {
    items.push_back("(name " + QuoteIdentifierIfNeeded(c.name) + ")");
  }
  if (!c.columns.empty()) {
    items.push_back(internal::Parenthesized([&] {
      std::vector<std::string> v;
      for (const std::string& col : c.columns) {
        v.push_back(QuoteIdentifierIfNeeded(col));
      }
      return v;
    }()));
  }
  if (c.expr != nullptr) {
    items.push_back(ToSexp(*c.expr));
  }
  if (c.kind == ConstraintKind::kIdentity) {
    items.push_back(c.identity_always ? "ALWAYS" : "BY-DEFAULT");
  }
  if (c.kind == ConstraintKind::kReferences) {
    items.push_back(c.ref_table.ToString());
    if (!c.ref_columns.empty()) {
      items.push_back(IdentifierList("columns", c.ref_columns));
    }
  }
  if (c.kind == ConstraintKind::kCollate) {
    items.push_back(internal::Dotted(c.collation));
  }
  return List(kNames[static_cast<int>(c.kind)], items);
}

std::string CreateTableText(const CreateTableStmt& s) {
  std::vector<std::string> items{s.name.ToString()};
  if (s.if_not_exists) {
    items.push_back("IF-NOT-EXISTS");
  }
  if (s.temporary) {
    items.push_back("TEMPORARY");
  }
  for (const ColumnDef& col : s.columns) {
    std::vector<std::string> parts{QuoteIdentifierIfNeeded(col.name)};
    if (!col.type.names.empty()) {
      parts.push_back(col.type.ToString());
    }
    for (const Constraint& c : col.constraints) {
      parts.push_back(ConstraintText(c));
    }
    items.push_back(List("column", parts));
  }
  for (const Constraint& c : s.constraints) {
    items.push_back("(constraint " + ConstraintText(c) + ")");
  }
  if (s.as_query != nullptr) {
    items.push_back("(as " + ToSexp(*s.as_query) + ")");
    if (!s.with_data) {
      items.push_back("WITH-NO-DATA");
    }
  }
  return List("create-table", items);
}

std::string IndexElemText(const IndexElem& e) {
  std::vector<std::string> items{e.expr ? ToSexp(*e.expr) : QuoteIdentifierIfNeeded(e.column)};
  if (!e.collation.empty()) {
    items.push_back("(collate " + internal::Dotted(e.collation) + ")");
  }
  if (!e.opclass.empty()) {
    items.push_back("(opclass " + internal::Dotted(e.opclass) + ")");
  }
  if (e.order == SortOrder::kAsc) {
    items.push_back("ASC");
  } else if (e.order == SortOrder::kDesc) {
    items.push_back("DESC");
  }
  if (e.nulls == NullsOrder::kFirst) {
    items.push_back("NULLS-FIRST");
  } else if (e.nulls == NullsOrder::kLast) {
    items.push_back("NULLS-LAST");
  }
  return items.size() == 1 ? items[0] : internal::Parenthesized(items);
}

std::string CreateIndexText(const CreateIndexStmt& s) {
  std::vector<std::string> items;
  items.push_back(s.name.empty() ? "_" : QuoteIdentifierIfNeeded(s.name));
  items.push_back(s.table.ToString());
  if (s.unique) {
    items.push_back("UNIQUE");
  }
  if (s.concurrently) {
    items.push_back("CONCURRENTLY");
  }
  if (s.if_not_exists) {
    items.push_back("IF-NOT-EXISTS");
  }
  if (s.only) {
    items.push_back("ONLY");
  }
  if (!s.method.empty()) {
    items.push_back("(using " + s.method + ")");
  }
  std::vector<std::string> keys;
  for (const IndexElem& e : s.elems) {
    keys.push_back(IndexElemText(e));
  }
  items.push_back(List("keys", keys));
  if (!s.include.empty()) {
    items.push_back(IdentifierList("include", s.include));
  }
  if (s.where != nullptr) {
    items.push_back("(where " + ToSexp(*s.where) + ")");
  }
  return List("create-index", items);
}

std::string InsertText(const InsertStmt& s) {
  std::vector<std::string> items;
  if (s.with != nullptr) {
    items.push_back(internal::WithText(*s.with));
  }
  items.push_back(s.table.ToString());
  if (!s.alias.empty()) {
    items.push_back("(alias " + QuoteIdentifierIfNeeded(s.alias) + ")");
  }
  if (!s.columns.empty()) {
    items.push_back(IdentifierList("columns", s.columns));
  }
  if (s.overriding != OverridingKind::kNone) {
    items.push_back(s.overriding == OverridingKind::kSystemValue ? "OVERRIDING-SYSTEM-VALUE"
                                                                 : "OVERRIDING-USER-VALUE");
  }
  items.push_back(s.source ? ToSexp(*s.source) : "DEFAULT-VALUES");
  const OnConflict& oc = s.on_conflict;
  if (oc.action != OnConflictAction::kNone) {
    std::vector<std::string> parts;
    if (!oc.target.empty()) {
      std::vector<std::string> keys;
      for (const IndexElem& e : oc.target) {
        keys.push_back(IndexElemText(e));
      }
      parts.push_back(List("target", keys));
    }
    if (oc.target_where != nullptr) {
      parts.push_back("(target-where " + ToSexp(*oc.target_where) + ")");
    }
    if (!oc.constraint.empty()) {
      parts.push_back("(constraint " + QuoteIdentifierIfNeeded(oc.constraint) + ")");
    }
    parts.push_back(oc.action == OnConflictAction::kDoNothing ? "DO-NOTHING" : "DO-UPDATE");
    for (const SetClause& c : oc.set) {
      parts.push_back("(= " + QuoteIdentifierIfNeeded(c.column) + " " + ToSexp(*c.value) + ")");
    }
    if (oc.where != nullptr) {
      parts.push_back("(where " + ToSexp(*oc.where) + ")");
    }
    items.push_back(List("on-conflict", parts));
  }
  if (!s.returning.empty()) {
    items.push_back(internal::Targets("returning", s.returning));
  }
  return List("insert", items);
}

std::string ModesText(const TransactionModes& m) {
  static constexpr const char* kLevels[] = {"read-uncommitted", "read-committed", "repeatable-read",
                                            "serializable"};
  std::vector<std::string> items;
  if (m.isolation.has_value()) {
    items.push_back(std::string("(isolation ") + kLevels[static_cast<int>(*m.isolation)] + ")");
  }
  if (m.read_only.has_value()) {
    items.push_back(*m.read_only ? "READ-ONLY" : "READ-WRITE");
  }
  if (m.deferrable.has_value()) {
    items.push_back(*m.deferrable ? "DEFERRABLE" : "NOT-DEFERRABLE");
  }
  std::string out;
  for (const std::string& i : items) {
    out += " " + i;
  }
  return out;
}

std::string TransactionText(const TransactionStmt& s) {
  static constexpr const char* kActions[] = {
      "begin",           "start-transaction", "commit",      "rollback",
      "savepoint",       "release",           "rollback-to", "prepare-transaction",
      "commit-prepared", "rollback-prepared"};
  std::string out = std::string("(") + kActions[static_cast<int>(s.action)] + ModesText(s.modes);
  if (s.chain) {
    out += " AND-CHAIN";
  }
  if (!s.savepoint.empty()) {
    out += " " + QuoteIdentifierIfNeeded(s.savepoint);
  }
  if (!s.gid.empty()) {
    out += ' ';
    out += QuoteLiteral(s.gid);
  }
  return out + ")";
}

std::string SetText(const SetStmt& s) {
  std::string out = s.local ? "(set-local" : "(set";
  switch (s.set_kind) {
    case SetKind::kValue:
      out += " " + s.name;
      for (const SetValue& v : s.values) {
        out += " " + (v.kind == SetValueKind::kString     ? QuoteLiteral(v.text)
                      : v.kind == SetValueKind::kInterval ? "INTERVAL " + QuoteLiteral(v.text)
                                                          : v.text);
      }
      break;
    case SetKind::kDefault:
      out += " " + s.name + " DEFAULT";
      break;
    case SetKind::kFromCurrent:
      out += " " + s.name + " FROM-CURRENT";
      break;
    case SetKind::kTransaction:
      out += " TRANSACTION" + ModesText(s.modes);
      break;
    case SetKind::kTransactionSnapshot:
      out += " TRANSACTION-SNAPSHOT " + QuoteLiteral(s.snapshot);
      break;
    case SetKind::kSessionCharacteristics:
      out += " SESSION-CHARACTERISTICS" + ModesText(s.modes);
      break;
  }
  return out + ")";
}

std::string CopyText(const CopyStmt& s) {
  static constexpr const char* kEndpoints[] = {"STDIN", "STDOUT", "file", "program"};
  std::vector<std::string> items;
  items.push_back(s.query ? ToSexp(*s.query) : s.table.ToString());
  if (!s.columns.empty()) {
    items.push_back(IdentifierList("columns", s.columns));
  }
  std::string endpoint = kEndpoints[static_cast<int>(s.endpoint)];
  if (!s.filename.empty()) {
    endpoint = "(" + endpoint + " " + QuoteLiteral(s.filename) + ")";
  }
  items.push_back(std::string(s.is_from ? "FROM " : "TO ") + endpoint);
  if (!s.options.empty()) {
    items.push_back(internal::OptionsText(s.options));
  }
  if (s.where != nullptr) {
    items.push_back("(where " + ToSexp(*s.where) + ")");
  }
  return List("copy", items);
}

std::string OpaqueText(const OpaqueStmt& s) {
  std::vector<std::string> items;
  if (!s.object_type.empty()) {
    items.push_back(s.object_type);
  }
  for (const QualifiedName& t : s.targets) {
    items.push_back(t.ToString());
  }
  if (s.if_exists) {
    items.push_back("IF-EXISTS");
  }
  return List(KindHead(s.kind), items);
}

std::string FetchText(const FetchStmt& s) {
  static constexpr const char* kDirections[] = {"forward", "backward", "absolute", "relative"};
  return std::string(s.move ? "(move " : "(fetch ") + kDirections[static_cast<int>(s.direction)] +
         " " + (s.all ? "ALL" : std::to_string(s.count)) + " " + QuoteIdentifierIfNeeded(s.cursor) +
         ")";
}

std::string SessionText(const Statement& stmt);

}  // namespace

std::string internal::OptionsText(const std::vector<OptionItem>& options) {
  std::vector<std::string> items;
  for (const OptionItem& o : options) {
    items.push_back(OptionText(o));
  }
  return List("options", items);
}

std::string ToSexp(const Statement& stmt) {
  if (stmt.Is<OpaqueStmt>()) {
    return OpaqueText(stmt.As<OpaqueStmt>());
  }
  switch (stmt.kind) {
    case StatementKind::kSelect:
      return ToSexp(*stmt.As<SelectStmt>().query);
    case StatementKind::kInsert:
      return InsertText(stmt.As<InsertStmt>());
    case StatementKind::kCreateTable:
      return CreateTableText(stmt.As<CreateTableStmt>());
    case StatementKind::kCreateIndex:
      return CreateIndexText(stmt.As<CreateIndexStmt>());
    case StatementKind::kCreateRole: {
      const auto& s = stmt.As<CreateRoleStmt>();
      static constexpr const char* kKinds[] = {"ROLE", "USER", "GROUP"};
      std::vector<std::string> items{kKinds[static_cast<int>(s.role_kind)],
                                     QuoteIdentifierIfNeeded(s.name)};
      if (!s.options.empty()) {
        items.push_back(internal::OptionsText(s.options));
      }
      return List("create-role", items);
    }
    case StatementKind::kTransaction:
      return TransactionText(stmt.As<TransactionStmt>());
    case StatementKind::kSet:
      return SetText(stmt.As<SetStmt>());
    case StatementKind::kCopy:
      return CopyText(stmt.As<CopyStmt>());
    case StatementKind::kFetch:
      return FetchText(stmt.As<FetchStmt>());
    default:
      return SessionText(stmt);
  }
}

namespace {

std::string NameOrAll(std::string_view head, const std::string& name, bool all) {
  std::string out = "(";
  out += head;
  out += ' ';
  out += all ? std::string("ALL") : QuoteIdentifierIfNeeded(name);
  out += ')';
  return out;
}

std::string SessionText(const Statement& stmt) {
  switch (stmt.kind) {
    case StatementKind::kShow:
      return NameOrAll("show", stmt.As<ShowStmt>().name, stmt.As<ShowStmt>().all);
    case StatementKind::kReset:
      return NameOrAll("reset", stmt.As<ResetStmt>().name, stmt.As<ResetStmt>().all);
    case StatementKind::kDeallocate:
      return NameOrAll("deallocate", stmt.As<DeallocateStmt>().name, stmt.As<DeallocateStmt>().all);
    case StatementKind::kClose:
      return NameOrAll("close", stmt.As<CloseStmt>().cursor, stmt.As<CloseStmt>().all);
    case StatementKind::kDiscard: {
      static constexpr const char* kTargets[] = {"ALL", "PLANS", "SEQUENCES", "TEMP"};
      return std::string("(discard ") + kTargets[static_cast<int>(stmt.As<DiscardStmt>().target)] +
             ")";
    }
    case StatementKind::kPrepare: {
      const auto& s = stmt.As<PrepareStmt>();
      std::vector<std::string> items{QuoteIdentifierIfNeeded(s.name)};
      std::vector<std::string> types;
      for (const TypeName& t : s.param_types) {
        types.push_back(t.ToString());
      }
      if (!types.empty()) {
        items.push_back(List("types", types));
      }
      items.push_back(ToSexp(*s.statement));
      return List("prepare", items);
    }
    case StatementKind::kExecute: {
      const auto& s = stmt.As<ExecuteStmt>();
      std::vector<std::string> items{QuoteIdentifierIfNeeded(s.name)};
      for (const ExprPtr& p : s.params) {
        items.push_back(ToSexp(*p));
      }
      return List("execute", items);
    }
    case StatementKind::kExplain: {
      const auto& s = stmt.As<ExplainStmt>();
      std::vector<std::string> items;
      if (!s.options.empty()) {
        items.push_back(internal::OptionsText(s.options));
      }
      items.push_back(ToSexp(*s.statement));
      return List("explain", items);
    }
    case StatementKind::kDeclareCursor: {
      const auto& s = stmt.As<DeclareCursorStmt>();
      std::vector<std::string> items{QuoteIdentifierIfNeeded(s.name)};
      if (s.binary) {
        items.push_back("BINARY");
      }
      if (s.scroll.has_value()) {
        items.push_back(*s.scroll ? "SCROLL" : "NO-SCROLL");
      }
      if (s.hold) {
        items.push_back("WITH-HOLD");
      }
      items.push_back(ToSexp(*s.query));
      return List("declare", items);
    }
    case StatementKind::kListen:
      return "(listen " + QuoteIdentifierIfNeeded(stmt.As<ListenStmt>().channel) + ")";
    case StatementKind::kUnlisten:
      return NameOrAll("unlisten", stmt.As<UnlistenStmt>().channel, stmt.As<UnlistenStmt>().all);
    case StatementKind::kNotify: {
      const auto& s = stmt.As<NotifyStmt>();
      return "(notify " + QuoteIdentifierIfNeeded(s.channel) +
             (s.payload ? " " + QuoteLiteral(*s.payload) : "") + ")";
    }
    case StatementKind::kVerifyChain: {
      const auto& s = stmt.As<VerifyChainStmt>();
      return s.from_block ? "(verify-chain (from-block " + ToSexp(*s.from_block) + "))"
                          : "(verify-chain)";
    }
    default:
      return "(" + KindHead(stmt.kind) + ")";
  }
}

}  // namespace
}  // namespace blockdb::sql
