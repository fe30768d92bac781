// The FROM clause: tables with their access path, subqueries, joins and ledger relations.
#include <set>

#include "engine/ledger_db.h"
#include "sql/catalog/catalog.h"
#include "sql/exec/catalog_relations.h"
#include "sql/exec/planner_internal.h"
#include "sql/storage/table_codec.h"
#include "sql/types/errors.h"

namespace blockdb::sql::exec {
namespace {

// Per-column conditions found among the WHERE conjuncts.
struct ColumnConditions {
  const BoundExpr* eq = nullptr;
  const BoundExpr* lower = nullptr;
  bool lower_inclusive = true;
  const BoundExpr* upper = nullptr;
  bool upper_inclusive = true;
};

void CollectConjuncts(const BoundExpr& e, std::vector<const BoundExpr*>* out) {
  if (e.kind == BoundKind::kAnd) {
    for (const BoundExprPtr& a : e.args) CollectConjuncts(*a, out);
  } else {
    out->push_back(&e);
  }
}

std::map<int, ColumnConditions> AnalyzeFilter(const BoundExpr* filter) {
  std::map<int, ColumnConditions> by_column;
  if (filter == nullptr) return by_column;
  std::vector<const BoundExpr*> conjuncts;
  CollectConjuncts(*filter, &conjuncts);
  for (const BoundExpr* c : conjuncts) {
    if (c->kind != BoundKind::kCompare || c->cmp == CompareOp::kNe) continue;
    const BoundExpr* col = c->args[0].get();
    const BoundExpr* val = c->args[1].get();
    CompareOp op = c->cmp;
    if (col->kind != BoundKind::kColumn) {
      std::swap(col, val);
      // Mirror the operator: 5 < x is x > 5.
      op = op == CompareOp::kLt   ? CompareOp::kGt
           : op == CompareOp::kLe ? CompareOp::kGe
           : op == CompareOp::kGt ? CompareOp::kLt
           : op == CompareOp::kGe ? CompareOp::kLe
                                  : op;
    }
    if (col->kind != BoundKind::kColumn || !val->IsRowIndependent()) continue;
    ColumnConditions& cc = by_column[col->index];
    switch (op) {
      case CompareOp::kEq:
        cc.eq = val;
        break;
      case CompareOp::kGt:
      case CompareOp::kGe:
        cc.lower = val;
        cc.lower_inclusive = op == CompareOp::kGe;
        break;
      case CompareOp::kLt:
      case CompareOp::kLe:
        cc.upper = val;
        cc.upper_inclusive = op == CompareOp::kLe;
        break;
      default:
        break;
    }
  }
  return by_column;
}

// Key conditions over `parts`: equalities on a prefix, then at most one range. Returns the
// number of equalities in *eq_count.
std::vector<KeyCondition> KeyConditionsFor(const std::vector<KeyPart>& parts,
                                           const std::map<int, ColumnConditions>& conds,
                                           size_t* eq_count) {
  std::vector<KeyCondition> key;
  *eq_count = 0;
  for (const KeyPart& p : parts) {
    auto it = conds.find(static_cast<int>(p.column));
    if (p.column == kHiddenRowIdColumn || it == conds.end()) break;
    const ColumnConditions& cc = it->second;
    KeyCondition k;
    if (cc.eq != nullptr) {
      k.equality = true;
      k.lower = CloneBound(*cc.eq);
      key.push_back(std::move(k));
      ++*eq_count;
      continue;
    }
    if (cc.lower == nullptr && cc.upper == nullptr) break;
    if (cc.lower != nullptr) k.lower = CloneBound(*cc.lower);
    if (cc.upper != nullptr) k.upper = CloneBound(*cc.upper);
    k.lower_inclusive = cc.lower_inclusive;
    k.upper_inclusive = cc.upper_inclusive;
    key.push_back(std::move(k));
    break;
  }
  return key;
}

AccessPath ChooseAccessPath(const TableDef& table, const Catalog& catalog,
                            const BoundExpr* filter) {
  AccessPath path;
  std::map<int, ColumnConditions> conds = AnalyzeFilter(filter);
  std::vector<KeyPart> pk = RowKeyParts(table);
  size_t eq = 0;
  std::vector<KeyCondition> key = KeyConditionsFor(pk, conds, &eq);
  if (!key.empty() && eq == pk.size()) {
    path.kind = AccessPath::Kind::kPointLookup;
    path.key = std::move(key);
    return path;
  }
  // pk IN (values) on a one-column primary key: a get per value beats any range or index.
  if (pk.size() == 1 && pk[0].column != kHiddenRowIdColumn && filter != nullptr) {
    std::vector<const BoundExpr*> conjuncts;
    CollectConjuncts(*filter, &conjuncts);
    for (const BoundExpr* c : conjuncts) {
      if (c->kind != BoundKind::kInList || c->negated || c->args.size() < 2 ||
          c->args[0]->kind != BoundKind::kColumn ||
          c->args[0]->index != static_cast<int>(pk[0].column)) {
        continue;
      }
      bool constant = true;
      for (size_t i = 1; i < c->args.size(); ++i) {
        constant = constant && c->args[i]->IsRowIndependent();
      }
      if (!constant) continue;
      path.kind = AccessPath::Kind::kPointList;
      for (size_t i = 1; i < c->args.size(); ++i) path.in_list.push_back(CloneBound(*c->args[i]));
      return path;
    }
  }
  if (!key.empty()) {
    path.kind = AccessPath::Kind::kKeyRange;
    path.key = std::move(key);
    return path;
  }
  // A secondary index: the one with the most equalities (a range counts as half).
  double best = 0;
  for (const auto& index : catalog.IndexesOf(table.id)) {
    size_t index_eq = 0;
    std::vector<KeyCondition> k = KeyConditionsFor(index->columns, conds, &index_eq);
    double score = static_cast<double>(index_eq) + (k.size() > index_eq ? 0.5 : 0);
    if (score > best) {
      best = score;
      path.kind = AccessPath::Kind::kIndexScan;
      path.index = index;
      path.key = std::move(k);
    }
  }
  return path;
}

Status UndefinedTable(const QualifiedName& name) {
  return Status::InvalidArgument("relation \"" + name.ToString() + "\" does not exist")
      .WithSqlState(kSqlStateUndefinedTable);
}

Result<FromPlan> PlanTable(const TableRef& ref, PlanContext& ctx, const Expr* where) {
  const QualifiedName& name = ref.name;
  std::string qualifier = ref.alias.empty() ? name.name : ref.alias.name;
  FromPlan plan;
  // A WITH query of this name hides any table.
  if (name.schema.empty() && ctx.ctes != nullptr) {
    auto cte = ctx.ctes->find(name.name);
    if (cte != ctx.ctes->end()) {
      cte->second->referenced = true;
      for (size_t i = 0; i < cte->second->columns.size(); ++i) {
        ScopeColumn c = cte->second->columns[i];
        c.table = qualifier;
        if (i < ref.alias.columns.size()) c.name = ref.alias.columns[i];
        plan.scope.columns.push_back(std::move(c));
      }
      plan.source = MakeRowsSource(cte->second->rows, "CTE Scan on " + name.name);
      return plan;
    }
  }
  // pg_catalog comes first on the search path, then public.
  ASSIGN_OR_RETURN(std::optional<VirtualRelation> system,
                   CatalogTable(name.schema, name.name, ctx));
  if (system) {
    for (ScopeColumn& c : system->columns) {
      c.table = qualifier;
      plan.scope.columns.push_back(c);
    }
    plan.source = MakeRowsSource(std::move(system->rows), "Seq Scan on " + name.name);
    return plan;
  }
  std::shared_ptr<const TableDef> table;
  if (name.schema.empty() || name.schema == kPublicSchema) {
    table = ctx.database->catalog().FindTable(name.name);
  }
  if (table == nullptr && (name.schema.empty() || name.schema == kPublicSchema)) {
    ASSIGN_OR_RETURN(std::optional<VirtualRelation> rel, LedgerTable(name.name, ctx));
    if (rel) {
      for (ScopeColumn& c : rel->columns) {
        c.table = qualifier;
        plan.scope.columns.push_back(c);
      }
      plan.source = MakeRowsSource(std::move(rel->rows), "Function Scan on " + name.name);
      return plan;
    }
  }
  if (table == nullptr) {
    return ctx.binder->ErrorAt(UndefinedTable(name), name.position);
  }
  std::optional<uint64_t> as_of;  // none: the statement's snapshot (ExecControl::snapshot)
  if (ref.as_of_block != nullptr) {
    as_of = ctx.snapshot;
    Scope empty;
    ASSIGN_OR_RETURN(BoundExprPtr b, ctx.binder->Bind(*ref.as_of_block, empty, "AS OF BLOCK"));
    if (ctx.has_params) {
      ASSIGN_OR_RETURN(Value v, Eval(*b, Row(), *ctx.eval));
      if (v.is_null() || CategoryOf(v.type()) != TypeCategory::kNumeric ||
          v.type() == TypeId::kNumeric || v.type() == TypeId::kFloat4 ||
          v.type() == TypeId::kFloat8) {
        return ctx.binder->ErrorAt(InvalidParameterValue("AS OF BLOCK needs a block number"),
                                   ref.as_of_block->position);
      }
      ASSIGN_OR_RETURN(*as_of, SnapshotOfBlock(ctx, v.int_value()));
    }
  }
  for (size_t i = 0; i < table->columns.size(); ++i) {
    std::string col = i < ref.alias.columns.size() ? ref.alias.columns[i] : table->columns[i].name;
    ScopeColumn c{qualifier, col, table->columns[i].type};
    c.table_oid = static_cast<uint32_t>(table->id);
    c.attnum = static_cast<int16_t>(i + 1);
    plan.scope.columns.push_back(std::move(c));
  }
  BoundExprPtr filter;
  if (where != nullptr) {
    ASSIGN_OR_RETURN(filter, ctx.binder->BindCondition(*where, plan.scope, "WHERE"));
    plan.where_consumed = true;
  }
  AccessPath path = ChooseAccessPath(*table, ctx.database->catalog(), filter.get());
  if (path.kind != AccessPath::Kind::kIndexScan) plan.row_order = table->primary_key;
  plan.table = table;
  plan.filter_columns.assign(table->columns.size(), false);
  if (filter != nullptr) MarkColumns(*filter, &plan.filter_columns);
  plan.needed_columns = std::make_shared<std::vector<bool>>();
  const std::vector<Row>* pending = ctx.pending != nullptr && ref.as_of_block == nullptr
                                        ? ctx.pending->PendingRows(table->id)
                                        : nullptr;
  plan.source =
      MakeTableSource(ctx.database->ledger()->db(), table, as_of, std::move(path),
                      std::move(filter), ctx.eval, ctx.control, pending, plan.needed_columns,
                      ref.as_of_block == nullptr ? ctx.read_locks : nullptr);
  return plan;
}

Result<FromPlan> PlanFunction(const FunctionRef& ref, PlanContext& ctx) {
  if (!ref.function->Is<FunctionExpr>()) {
    return ctx.binder->ErrorAt(FeatureNotSupported("this FROM item is not supported"),
                               ref.position);
  }
  const auto& call = ref.function->As<FunctionExpr>();
  ASSIGN_OR_RETURN(std::optional<SeriesScan> series, GenerateSeries(call, ctx));
  if (!series) {
    ASSIGN_OR_RETURN(series, Unnest(call, ctx));
  }
  if (series) {
    FromPlan plan;
    series->column.table = ref.alias.empty() ? call.name.back() : ref.alias.name;
    if (!ref.alias.empty()) {
      series->column.name = ref.alias.columns.empty() ? ref.alias.name : ref.alias.columns[0];
    }
    plan.scope.columns.push_back(series->column);
    plan.source = std::move(series->source);
    return plan;
  }
  ASSIGN_OR_RETURN(std::optional<VirtualRelation> rel, LedgerFunction(call, ctx));
  if (!rel) {
    ASSIGN_OR_RETURN(rel, CatalogFunction(call, ctx));
  }
  if (!rel && call.name.size() == 1) {
    ASSIGN_OR_RETURN(series, ScalarFunctionScan(call, ctx));
  }
  if (series) {
    FromPlan plan;
    series->column.table = ref.alias.empty() ? call.name.back() : ref.alias.name;
    if (!ref.alias.empty()) {
      series->column.name = ref.alias.columns.empty() ? ref.alias.name : ref.alias.columns[0];
    }
    plan.scope.columns.push_back(series->column);
    plan.source = std::move(series->source);
    return plan;
  }
  if (!rel) {
    return ctx.binder->ErrorAt(
        Status::InvalidArgument("function " + call.name.back() + " does not exist")
            .WithSqlState(kSqlStateUndefinedFunction),
        ref.position);
  }
  std::string qualifier = ref.alias.empty() ? call.name.back() : ref.alias.name;
  FromPlan plan;
  for (ScopeColumn& c : rel->columns) {
    c.table = qualifier;
    plan.scope.columns.push_back(c);
  }
  plan.source = MakeRowsSource(std::move(rel->rows), "Function Scan on " + call.name.back());
  return plan;
}

Result<FromPlan> PlanSubquery(const SubqueryRef& ref, PlanContext& ctx) {
  if (ref.lateral) {
    return ctx.binder->ErrorAt(FeatureNotSupported("LATERAL is not supported"), ref.position);
  }
  ASSIGN_OR_RETURN(QueryPlan sub, PlanQuery(*ref.query, ctx));
  FromPlan plan;
  for (size_t i = 0; i < sub.columns.size(); ++i) {
    std::string col = i < ref.alias.columns.size() ? ref.alias.columns[i] : sub.columns[i].name;
    ScopeColumn c{ref.alias.name, col, sub.columns[i].type};
    c.table_oid = sub.columns[i].table_oid;
    c.attnum = sub.columns[i].column_number;
    c.type_oid = sub.columns[i].type_oid;
    plan.scope.columns.push_back(std::move(c));
  }
  plan.source = std::move(sub.source);
  return plan;
}

// USING (a, b) and NATURAL: the condition left.a = right.a AND ..., and the right side's copies
// of those columns hidden from unqualified names and from * (PostgreSQL shows them once).
Status BindUsing(const JoinRef& join, const std::vector<std::string>& columns, FromPlan* plan,
                 size_t left_width, PlanContext& ctx, BoundExprPtr* on) {
  auto both = std::make_unique<BoundExpr>();
  both->kind = BoundKind::kAnd;
  both->type = Type::Of(TypeId::kBool);
  for (const std::string& name : columns) {
    int l = -1, r = -1;
    for (size_t i = 0; i < plan->scope.columns.size(); ++i) {
      if (plan->scope.columns[i].name != name || plan->scope.columns[i].hidden) continue;
      (i < left_width ? l : r) = static_cast<int>(i);
    }
    if (l < 0 || r < 0) {
      return ctx.binder->ErrorAt(Status::InvalidArgument("column \"" + name +
                                                         "\" specified in USING clause does not "
                                                         "exist in " +
                                                         (l < 0 ? "left" : "right") + " table")
                                     .WithSqlState(kSqlStateUndefinedColumn),
                                 join.position);
    }
    ASSIGN_OR_RETURN(BoundExprPtr eq,
                     ctx.binder->CompareColumns(l, plan->scope.columns[l].type, r,
                                                plan->scope.columns[r].type, join.position));
    both->args.push_back(std::move(eq));
    plan->scope.columns[r].hidden = true;
  }
  if (!both->args.empty()) *on = std::move(both);
  return Status::OK();
}

// 42712 when a relation name of `right` is already one of `left`'s: two FROM items (or the
// two sides of a join) may not share a name, as in PostgreSQL.
Status CheckDistinctNames(const Scope& left, const Scope& right, PlanContext& ctx, int position) {
  std::set<std::string_view> names;
  for (const ScopeColumn& c : left.columns) {
    if (!c.table.empty()) names.insert(c.table);
  }
  for (const ScopeColumn& c : right.columns) {
    if (!c.table.empty() && names.count(c.table) > 0) {
      return ctx.binder->ErrorAt(
          Status::InvalidArgument("table name \"" + c.table + "\" specified more than once")
              .WithSqlState("42712"),
          position);
    }
  }
  return Status::OK();
}

Result<FromPlan> PlanJoin(const JoinRef& join, PlanContext& ctx) {
  ASSIGN_OR_RETURN(FromPlan left, PlanFromItem(*join.left, ctx, nullptr));
  ASSIGN_OR_RETURN(FromPlan right, PlanFromItem(*join.right, ctx, nullptr));
  RETURN_IF_ERROR(CheckDistinctNames(left.scope, right.scope, ctx, join.right->position));
  FromPlan plan;
  size_t left_width = left.scope.columns.size();
  plan.scope = left.scope;
  plan.scope.columns.insert(plan.scope.columns.end(), right.scope.columns.begin(),
                            right.scope.columns.end());
  BoundExprPtr on;
  std::vector<std::string> using_columns = join.using_columns;
  if (join.natural) {
    for (size_t i = 0; i < left_width; ++i) {
      for (const ScopeColumn& r : right.scope.columns) {
        if (r.name == plan.scope.columns[i].name && !r.hidden) {
          using_columns.push_back(r.name);
          break;
        }
      }
    }
  }
  if (!using_columns.empty()) {
    RETURN_IF_ERROR(BindUsing(join, using_columns, &plan, left_width, ctx, &on));
  } else if (join.on != nullptr) {
    ASSIGN_OR_RETURN(on, ctx.binder->BindCondition(*join.on, plan.scope, "JOIN/ON"));
  }
  JoinKind kind = join.join_type == JoinType::kLeft    ? JoinKind::kLeft
                  : join.join_type == JoinType::kRight ? JoinKind::kRight
                  : join.join_type == JoinType::kFull  ? JoinKind::kFull
                  : join.join_type == JoinType::kCross ? JoinKind::kCross
                                                       : JoinKind::kInner;
  size_t right_width = right.scope.columns.size();
  JoinKeys keys = SplitJoinKeys(std::move(on), left_width, right_width);
  if (kind != JoinKind::kCross && !keys.left.empty()) {
    plan.source = MakeHashJoin(std::move(left.source), std::move(right.source), left_width,
                               right_width, kind, std::move(keys), ctx.eval, ctx.control);
  } else {
    plan.source =
        MakeNestedLoopJoin(std::move(left.source), std::move(right.source), left_width, right_width,
                           kind, std::move(keys.residual), ctx.eval, ctx.control);
  }
  if (!join.alias.empty()) {
    for (ScopeColumn& c : plan.scope.columns) c.table = join.alias.name;
  }
  return plan;
}

}  // namespace

Result<FromPlan> PlanFromItem(const FromItem& item, PlanContext& ctx, const Expr* where) {
  switch (item.kind) {
    case FromKind::kTable:
      return PlanTable(item.As<TableRef>(), ctx, where);
    case FromKind::kFunction:
      return PlanFunction(item.As<FunctionRef>(), ctx);
    case FromKind::kSubquery:
      return PlanSubquery(item.As<SubqueryRef>(), ctx);
    case FromKind::kJoin:
      return PlanJoin(item.As<JoinRef>(), ctx);
  }
  return Status::InvalidArgument("bad FROM item").WithSqlState("XX000");
}

Result<FromPlan> PlanFrom(const std::vector<FromItemPtr>& items, PlanContext& ctx,
                          const Expr* where) {
  if (items.empty()) {
    FromPlan plan;
    plan.source = MakeRowsSource({Row()}, "Result");
    return plan;
  }
  if (items.size() == 1) {
    return PlanFromItem(*items[0], ctx, where);
  }
  ASSIGN_OR_RETURN(FromPlan plan, PlanFromItem(*items[0], ctx, nullptr));
  for (size_t i = 1; i < items.size(); ++i) {
    ASSIGN_OR_RETURN(FromPlan right, PlanFromItem(*items[i], ctx, nullptr));
    RETURN_IF_ERROR(CheckDistinctNames(plan.scope, right.scope, ctx, items[i]->position));
    size_t left_width = plan.scope.columns.size();
    size_t width = right.scope.columns.size();
    plan.scope.columns.insert(plan.scope.columns.end(), right.scope.columns.begin(),
                              right.scope.columns.end());
    plan.source = MakeNestedLoopJoin(std::move(plan.source), std::move(right.source), left_width,
                                     width, JoinKind::kCross, nullptr, ctx.eval, ctx.control);
  }
  plan.table = nullptr;
  return plan;
}

void MarkColumns(const BoundExpr& e, std::vector<bool>* columns) {
  if (e.kind == BoundKind::kColumn && e.index >= 0 &&
      static_cast<size_t>(e.index) < columns->size()) {
    (*columns)[e.index] = true;
  }
  if (e.kind == BoundKind::kSubquery && e.correlated) {
    columns->assign(columns->size(), true);
  }
  for (const BoundExprPtr& a : e.args) MarkColumns(*a, columns);
}

BoundExprPtr CloneBound(const BoundExpr& e) {
  auto c = std::make_unique<BoundExpr>();
  c->kind = e.kind;
  c->type = e.type;
  c->value = e.value;
  c->index = e.index;
  c->arith = e.arith;
  c->cmp = e.cmp;
  c->func = e.func;
  c->negated = e.negated;
  c->bool_test = e.bool_test;
  c->is_unknown = e.is_unknown;
  c->case_insensitive = e.case_insensitive;
  c->has_else = e.has_else;
  c->case_has_arg = e.case_has_arg;
  c->level = e.level;
  c->subquery_test = e.subquery_test;
  c->correlated = e.correlated;
  c->subquery = e.subquery;
  for (const BoundExprPtr& a : e.args) c->args.push_back(CloneBound(*a));
  return c;
}

}  // namespace blockdb::sql::exec
