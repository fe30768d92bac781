#include "sql/exec/planner.h"

#include <unordered_set>

#include "sql/exec/planner_internal.h"
#include "sql/types/cast.h"
#include "sql/types/compare.h"
#include "sql/types/errors.h"

namespace blockdb::sql::exec {
namespace {

// Rows of each input in turn (UNION ALL).
class ConcatSource : public RowSource {
 public:
  explicit ConcatSource(std::vector<RowSourcePtr> inputs) : inputs_(std::move(inputs)) {}
  Result<bool> Next(Row* row) override {
    while (current_ < inputs_.size()) {
      ASSIGN_OR_RETURN(bool more, inputs_[current_]->Next(row));
      if (more) return true;
      ++current_;
    }
    return false;
  }
  void Explain(int indent, std::vector<std::string>* lines) const override {
    lines->push_back(std::string(static_cast<size_t>(indent), ' ') + "Append");
    for (const auto& in : inputs_) in->Explain(indent + 2, lines);
  }
  void Rewind() override {
    for (auto& in : inputs_) in->Rewind();
    current_ = 0;
  }

 private:
  std::vector<RowSourcePtr> inputs_;
  size_t current_ = 0;
};

// Output columns report unknown literals and bare NULLs as text, as PostgreSQL does.
Result<BoundExprPtr> ResolveOutputType(Binder& binder, BoundExprPtr e, int position) {
  if (e->type.id() == TypeId::kUnknown || e->type.id() == TypeId::kNull) {
    return binder.CoerceImplicit(std::move(e), Type::Of(TypeId::kText), position);
  }
  return e;
}

bool IsIntegerLiteral(const Expr& e, int64_t* value) {
  if (!e.Is<LiteralExpr>() || e.As<LiteralExpr>().literal_kind != LiteralKind::kInteger) {
    return false;
  }
  try {
    *value = std::stoll(e.As<LiteralExpr>().value);
  } catch (...) {
    return false;
  }
  return true;
}

bool HasParam(const BoundExpr& e) {
  if (e.kind == BoundKind::kParam || e.kind == BoundKind::kSubquery) return true;
  for (const BoundExprPtr& a : e.args) {
    if (HasParam(*a)) return true;
  }
  return false;
}

bool HasCorrelatedSubquery(const BoundExpr& e) {
  if (e.kind == BoundKind::kSubquery && e.correlated) return true;
  for (const BoundExprPtr& a : e.args) {
    if (HasCorrelatedSubquery(*a)) return true;
  }
  return false;
}

// Evaluates LIMIT / OFFSET; nullopt for LIMIT ALL / NULL or when parameters have no values.
Result<std::optional<int64_t>> EvalCount(const Expr* e, PlanContext& ctx, const char* what) {
  if (e == nullptr) return std::optional<int64_t>();
  Scope empty;
  ASSIGN_OR_RETURN(BoundExprPtr b, ctx.binder->Bind(*e, empty, what));
  // As PostgreSQL: numerics and floats are rounded to a bigint (LIMIT 1.5 is LIMIT 2).
  const TypeId t = b->type.id();
  if (t == TypeId::kNumeric || t == TypeId::kFloat4 || t == TypeId::kFloat8) {
    ASSIGN_OR_RETURN(b, ctx.binder->CoerceForAssignment(std::move(b), Type::Of(TypeId::kInt8), what,
                                                        e->position));
  }
  ASSIGN_OR_RETURN(b,
                   ctx.binder->CoerceImplicit(std::move(b), Type::Of(TypeId::kInt8), e->position));
  // Without parameter values (Describe, EXPLAIN) only a count that needs none is known.
  if (!ctx.has_params && HasParam(*b)) return std::optional<int64_t>();
  ASSIGN_OR_RETURN(Value v, Eval(*b, Row(), *ctx.eval));
  if (v.is_null()) return std::optional<int64_t>();
  if (v.int_value() < 0) {
    return Status::InvalidArgument(std::string(what) + " must not be negative")
        .WithSqlState(std::string(what) == "LIMIT" ? "2201W" : "2201X");
  }
  return std::optional<int64_t>(v.int_value());
}

struct Target {
  BoundExprPtr expr;
  std::string name;
  std::string sexp;  // of the AST expression, to match ORDER BY items
};

class SelectPlanner {
 public:
  SelectPlanner(const SelectBody& body, PlanContext& ctx) : body_(body), ctx_(ctx) {}

  Result<QueryPlan> Plan(const std::vector<SortItem>& order_by, const Expr* limit,
                         const Expr* offset) {
    keep_untyped_outputs_ = ctx_.set_operation_branch;
    ctx_.set_operation_branch = false;
    ASSIGN_OR_RETURN(from_, PlanFrom(body_.from, ctx_, body_.where.get()));
    RowSourcePtr source = std::move(from_.source);
    if (body_.where != nullptr && !from_.where_consumed) {
      ASSIGN_OR_RETURN(BoundExprPtr w, binder().BindCondition(*body_.where, from_.scope, "WHERE"));
      source = MakeFilterSource(std::move(source), std::move(w), ctx_.eval);
    }
    grouped_ = !body_.group_by.empty() || body_.having != nullptr || AnyAggregate(order_by);
    if (grouped_) {
      agg_.input = &from_.scope;
      RETURN_IF_ERROR(BindGroupKeys());
    }
    // HAVING before the targets: PostgreSQL reports its type errors before grouping errors.
    BoundExprPtr having;
    if (body_.having != nullptr) {
      ASSIGN_OR_RETURN(having, binder().BindCondition(*body_.having, from_.scope, "HAVING", &agg_));
    }
    binder().set_window_scope(&window_);
    binder().set_named_windows(&body_.windows);
    binder().set_srf_scope(&srf_);
    Status bound = BindTargets();
    binder().set_srf_scope(nullptr);
    std::vector<SortKey> sort_keys;
    if (bound.ok()) bound = BindOrderBy(order_by, &sort_keys);
    std::vector<int> distinct_on_columns;
    if (bound.ok() && distinct_on()) bound = BindDistinctOn(&sort_keys, &distinct_on_columns);
    binder().set_window_scope(nullptr);
    binder().set_named_windows(nullptr);
    RETURN_IF_ERROR(bound);
    // Window function results are columns after the input row's: now that the input width is
    // known, point the expressions at them.
    const int window_base = static_cast<int>(from_.scope.columns.size());
    // Set-returning calls' columns follow those.
    const int srf_base = window_base + static_cast<int>(window_.calls.size());
    for (Target& t : targets_) PlaceWindowColumns(t.expr.get(), window_base, srf_base);
    for (BoundExprPtr& h : hidden_) PlaceWindowColumns(h.get(), window_base, srf_base);
    MarkNeededColumns(having.get());
    if (!window_.calls.empty()) {
      source =
          MakeWindowSource(std::move(source), std::move(window_.calls), ctx_.eval, ctx_.control);
    }
    std::vector<uint32_t> srf_type_oids;
    for (const SrfCall& c : srf_.calls) srf_type_oids.push_back(c.type_oid);
    if (!srf_.calls.empty()) {
      source = MakeProjectSetSource(std::move(source), std::move(srf_.calls), ctx_.eval,
                                    ctx_.control);
    }
    if (grouped_) {
      source = MakeAggregateSource(std::move(source), std::move(group_exprs_),
                                   std::move(agg_.aggregates), ctx_.eval, ctx_.control);
      if (having != nullptr) {
        source = MakeFilterSource(std::move(source), std::move(having), ctx_.eval);
      }
    }
    QueryPlan plan;
    std::vector<BoundExprPtr> exprs;
    for (Target& t : targets_) {
      plan.columns.push_back(ResultColumn{t.name, t.expr->type, 0, 0});
      DescribeOrigin(*t.expr, srf_base, srf_type_oids, &plan.columns.back());
      exprs.push_back(std::move(t.expr));
    }
    for (BoundExprPtr& h : hidden_) exprs.push_back(std::move(h));
    const bool sorted_by_scan = ScanOrderSatisfies(sort_keys, exprs);
    source = MakeProjectSource(std::move(source), std::move(exprs), ctx_.eval);
    if (plain_distinct()) {
      source = MakeDistinctSource(std::move(source), targets_.size(), ctx_.control);
    }
    ASSIGN_OR_RETURN(std::optional<int64_t> lim, EvalCount(limit, ctx_, "LIMIT"));
    ASSIGN_OR_RETURN(std::optional<int64_t> off, EvalCount(offset, ctx_, "OFFSET"));
    if (!sort_keys.empty() && sorted_by_scan) {
      // The scan already delivers this order: LIMIT stops it after the rows it needs.
      sort_keys.clear();
    }
    if (!sort_keys.empty()) {
      // ORDER BY ... LIMIT n OFFSET m needs only the first n + m rows of the order.
      std::optional<uint64_t> top;
      constexpr int64_t kMaxTop = int64_t{1} << 40;
      if (lim && *lim < kMaxTop && off.value_or(0) < kMaxTop && !distinct_on()) {
        top = *lim + off.value_or(0);
      }
      source = MakeSortSource(std::move(source), std::move(sort_keys), ctx_.control, top);
    }
    if (distinct_on()) {
      source = MakeDistinctOnSource(std::move(source), std::move(distinct_on_columns));
    }
    if (lim || off) {
      std::optional<uint64_t> l;
      if (lim) l = static_cast<uint64_t>(*lim);
      source = MakeLimitSource(std::move(source), l, off ? static_cast<uint64_t>(*off) : 0);
    }
    if (!hidden_.empty()) {
      source = MakeTruncateSource(std::move(source), targets_.size());
    }
    plan.source = std::move(source);
    plan.reusable = ReadsOneStoredTable() && IsCountLiteral(limit) && IsCountLiteral(offset);
    return plan;
  }

 private:
  Binder& binder() { return *ctx_.binder; }

  // FROM is a single stored table read at the statement's snapshot (a CTE, catalog or ledger
  // relation of that name computes its rows while planning: from_.table is null then).
  bool ReadsOneStoredTable() const {
    return from_.table != nullptr && body_.from.size() == 1 && body_.from[0]->Is<TableRef>() &&
           body_.from[0]->As<TableRef>().as_of_block == nullptr;
  }

  // Whether the single stored table's scan already returns rows in the order of `keys` (over
  // the projected `exprs`): each key, in turn, is a plain column of the primary key's next
  // part, in the part's direction. Primary-key columns are NOT NULL, so NULLS FIRST/LAST does
  // not matter, and their key encoding orders values as ORDER BY does for the types allowed
  // here (text compares bytewise under the C collation). Not after grouping, window
  // functions, set-returning functions or DISTINCT, which do not keep the scan's order.
  bool ScanOrderSatisfies(const std::vector<SortKey>& keys,
                          const std::vector<BoundExprPtr>& exprs) const {
    if (keys.empty() || keys.size() > from_.row_order.size() || grouped_ ||
        !window_.calls.empty() || !srf_.calls.empty() || plain_distinct() ||
        from_.table == nullptr) {
      return false;
    }
    for (size_t i = 0; i < keys.size(); ++i) {
      const KeyPart& part = from_.row_order[i];
      const BoundExpr& e = *exprs[static_cast<size_t>(keys[i].column)];
      if (e.kind != BoundKind::kColumn || e.index != static_cast<int>(part.column) ||
          keys[i].descending != part.descending) {
        return false;
      }
      switch (from_.table->columns[part.column].type.id()) {
        case TypeId::kInt2:
        case TypeId::kInt4:
        case TypeId::kInt8:
        case TypeId::kText:
        case TypeId::kVarchar:
        case TypeId::kDate:
        case TypeId::kTimestamp:
        case TypeId::kTimestamptz:
        case TypeId::kUuid:
          break;
        default:
          return false;
      }
    }
    return true;
  }

  static bool IsCountLiteral(const Expr* e) {
    int64_t value;
    return e == nullptr || IsIntegerLiteral(*e, &value);
  }
  Status Err(Status s, int position) { return binder().ErrorAt(std::move(s), position); }

  static void PlaceWindowColumns(BoundExpr* e, int base, int srf_base) {
    if (e->kind == BoundKind::kColumn && e->index <= -kSrfColumnBase) {
      e->index = srf_base + (-e->index - kSrfColumnBase - 1);
    } else if (e->kind == BoundKind::kColumn && e->index < 0) {
      e->index = base + (-e->index - 1);
    }
    for (BoundExprPtr& a : e->args) PlaceWindowColumns(a.get(), base, srf_base);
  }

  // A target that is a column straight from a stored table reports the table's OID and the
  // column's number in RowDescription, as PostgreSQL does; catalog arrays and records their
  // PostgreSQL type.
  void DescribeOrigin(const BoundExpr& e, int srf_base, const std::vector<uint32_t>& srf_oids,
                      ResultColumn* column) const {
    if (grouped_ || e.kind != BoundKind::kColumn || e.index < 0) return;
    size_t i = static_cast<size_t>(e.index);
    if (i < from_.scope.columns.size()) {
      column->table_oid = from_.scope.columns[i].table_oid;
      column->column_number = from_.scope.columns[i].attnum;
      column->type_oid = from_.scope.columns[i].type_oid;
    } else if (e.index >= srf_base && i - srf_base < srf_oids.size()) {
      column->type_oid = srf_oids[i - srf_base];
    }
  }

  // A single stored table decodes only the columns this SELECT reads.
  void MarkNeededColumns(const BoundExpr* having) {
    if (from_.table == nullptr || from_.needed_columns == nullptr ||
        (body_.where != nullptr && !from_.where_consumed)) {
      return;  // not a single stored table, or a filter outside the scan: decode everything
    }
    std::vector<bool> needed = from_.filter_columns;
    auto mark = [&](const BoundExpr* e) {
      if (e != nullptr) MarkColumns(*e, &needed);
    };
    if (grouped_) {
      for (const BoundExprPtr& g : group_exprs_) mark(g.get());
      for (const AggregateSpec& a : agg_.aggregates) {
        mark(a.arg.get());
        mark(a.separator.get());
        mark(a.filter.get());
        for (const BoundExprPtr& o : a.order) mark(o.get());
      }
      // Targets, HAVING and ORDER BY read the grouped row, not the table's.
    } else {
      for (const Target& t : targets_) mark(t.expr.get());
      for (const BoundExprPtr& h : hidden_) mark(h.get());
      mark(having);
      for (const SrfCall& c : srf_.calls) {
        for (const BoundExprPtr& a : c.args) mark(a.get());
      }
      for (const WindowCall& w : window_.calls) {
        for (const BoundExprPtr& a : w.args) mark(a.get());
        for (const BoundExprPtr& a : w.partition) mark(a.get());
        for (const BoundExprPtr& a : w.order) mark(a.get());
        mark(w.aggregate.arg.get());
        mark(w.aggregate.filter.get());
      }
    }
    // Expressions over the grouped row can still hold correlated subqueries reading table rows:
    // then everything is decoded. (Their column references index the grouped row, not the
    // table's, so they must not be marked.)
    if (grouped_) {
      bool correlated = having != nullptr && HasCorrelatedSubquery(*having);
      for (const Target& t : targets_) correlated = correlated || HasCorrelatedSubquery(*t.expr);
      for (const BoundExprPtr& h : hidden_) correlated = correlated || HasCorrelatedSubquery(*h);
      if (correlated) needed.assign(needed.size(), true);
    }
    *from_.needed_columns = std::move(needed);
  }

  bool AnyAggregate(const std::vector<SortItem>& order_by) const {
    for (const TargetItem& t : body_.targets) {
      if (ContainsAggregate(*t.expr)) return true;
    }
    for (const SortItem& s : order_by) {
      if (ContainsAggregate(*s.expr)) return true;
    }
    return false;
  }

  // GROUP BY items: an ordinal or a bare output-column name refers to that target's expression.
  Status BindGroupKeys() {
    for (const ExprPtr& g : body_.group_by) {
      const Expr* key = g.get();
      int64_t ordinal;
      if (IsIntegerLiteral(*g, &ordinal)) {
        if (ordinal < 1 || ordinal > static_cast<int64_t>(body_.targets.size())) {
          return Err(Status::InvalidArgument("GROUP BY position " + std::to_string(ordinal) +
                                             " is not in select list")
                         .WithSqlState("42P10"),
                     g->position);
        }
        key = body_.targets[ordinal - 1].expr.get();
      } else if (g->Is<ColumnRefExpr>() && g->As<ColumnRefExpr>().names.size() == 1) {
        const std::string& n = g->As<ColumnRefExpr>().names[0];
        bool is_input = false;
        for (const ScopeColumn& c : from_.scope.columns) is_input = is_input || c.name == n;
        for (const TargetItem& t : body_.targets) {
          if (!is_input && t.alias == n) key = t.expr.get();
        }
      }
      if (key->Is<StarExpr>()) {
        return Err(Status::InvalidArgument("* is not allowed in GROUP BY").WithSqlState("42601"),
                   g->position);
      }
      ASSIGN_OR_RETURN(BoundExprPtr b, binder().Bind(*key, from_.scope, "GROUP BY"));
      agg_.group_keys.push_back(ToSexp(*key));
      agg_.group_types.push_back(b->type);
      group_exprs_.push_back(std::move(b));
    }
    AddFunctionallyDependentKeys();
    return Status::OK();
  }

  // Grouping by a table's whole primary key makes its other columns usable in the SELECT list
  // (PostgreSQL's functional dependency): they become extra group keys, which cannot split a
  // group since the key determines them.
  void AddFunctionallyDependentKeys() {
    const TableDef* table = from_.table.get();
    if (table == nullptr || table->primary_key.empty()) return;
    for (const KeyPart& part : table->primary_key) {
      bool grouped = false;
      for (const BoundExprPtr& g : group_exprs_) {
        grouped =
            grouped || (g->kind == BoundKind::kColumn && g->index == static_cast<int>(part.column));
      }
      if (!grouped) return;
    }
    for (size_t i = 0; i < from_.scope.columns.size(); ++i) {
      const ScopeColumn& c = from_.scope.columns[i];
      for (bool qualified : {false, true}) {
        ColumnRefExpr ref(0);
        if (qualified) ref.names.push_back(c.table);
        ref.names.push_back(c.name);
        agg_.group_keys.push_back(ToSexp(ref));
        agg_.group_types.push_back(c.type);
        group_exprs_.push_back(MakeColumn(static_cast<int>(i), c.type));
      }
    }
  }

  Status AddStar(const StarExpr& star) {
    bool any = false;
    for (size_t i = 0; i < from_.scope.columns.size(); ++i) {
      const ScopeColumn& c = from_.scope.columns[i];
      if (!star.qualifier.empty() && c.table != star.qualifier.back()) continue;
      if (star.qualifier.empty() && c.hidden) continue;
      any = true;
      ColumnRefExpr ref(star.position);
      if (!c.table.empty()) ref.names.push_back(c.table);
      ref.names.push_back(c.name);
      ASSIGN_OR_RETURN(BoundExprPtr b,
                       binder().Bind(ref, from_.scope, "SELECT", grouped_ ? &agg_ : nullptr));
      targets_.push_back(Target{std::move(b), c.name, ToSexp(ref)});
    }
    if (!any && !star.qualifier.empty()) {
      return Err(Status::InvalidArgument("missing FROM-clause entry for table \"" +
                                         star.qualifier.back() + "\"")
                     .WithSqlState("42P01"),
                 star.position);
    }
    if (!any && body_.from.empty()) {
      return Err(Status::InvalidArgument("SELECT * with no tables specified is not valid")
                     .WithSqlState("42601"),
                 star.position);
    }
    return Status::OK();
  }

  Status BindTargets() {
    for (const TargetItem& t : body_.targets) {
      if (t.expr->Is<StarExpr>()) {
        RETURN_IF_ERROR(AddStar(t.expr->As<StarExpr>()));
        continue;
      }
      ASSIGN_OR_RETURN(BoundExprPtr b,
                       binder().Bind(*t.expr, from_.scope, "SELECT", grouped_ ? &agg_ : nullptr));
      if (!keep_untyped_outputs_) {
        ASSIGN_OR_RETURN(b, ResolveOutputType(binder(), std::move(b), t.expr->position));
      }
      std::string name = t.alias.empty() ? FigureColumnName(*t.expr) : t.alias;
      targets_.push_back(Target{std::move(b), name, ToSexp(*t.expr)});
    }
    return Status::OK();
  }

  // ORDER BY item -> a column of the projected row: an output column (by position, by name, or
  // by being the same expression) or a hidden column appended after the targets.
  Status BindOrderBy(const std::vector<SortItem>& order_by, std::vector<SortKey>* keys) {
    for (const SortItem& item : order_by) {
      if (item.order == SortOrder::kUsing) {
        return Err(FeatureNotSupported("ORDER BY ... USING is not supported"), item.position);
      }
      SortKey key;
      key.descending = item.order == SortOrder::kDesc;
      key.nulls_first =
          item.nulls == NullsOrder::kDefault ? key.descending : item.nulls == NullsOrder::kFirst;
      ASSIGN_OR_RETURN(key.column, OutputColumn(*item.expr, "ORDER BY"));
      keys->push_back(key);
    }
    return Status::OK();
  }

  // The projected row's column for an ORDER BY or DISTINCT ON item, as PostgreSQL resolves
  // them: an output position, an output name, the same expression as a target, or else a hidden
  // column evaluated from the input.
  Result<int> OutputColumn(const Expr& e, const char* clause) {
    int64_t ordinal;
    if (IsIntegerLiteral(e, &ordinal)) {
      if (ordinal < 1 || ordinal > static_cast<int64_t>(targets_.size())) {
        return Err(Status::InvalidArgument(std::string(clause) + " position " +
                                           std::to_string(ordinal) + " is not in select list")
                       .WithSqlState("42P10"),
                   e.position);
      }
      return static_cast<int>(ordinal - 1);
    }
    if (e.Is<ColumnRefExpr>() && e.As<ColumnRefExpr>().names.size() == 1) {
      const std::string& n = e.As<ColumnRefExpr>().names[0];
      for (size_t i = 0; i < targets_.size(); ++i) {
        if (targets_[i].name == n) return static_cast<int>(i);
      }
    }
    const std::string sexp = ToSexp(e);
    for (size_t i = 0; i < targets_.size(); ++i) {
      if (targets_[i].sexp == sexp) return static_cast<int>(i);
    }
    for (size_t i = 0; i < hidden_sexps_.size(); ++i) {
      if (hidden_sexps_[i] == sexp) return static_cast<int>(targets_.size() + i);
    }
    if (plain_distinct()) {
      return Err(Status::InvalidArgument(
                     "for SELECT DISTINCT, ORDER BY expressions must appear in select list")
                     .WithSqlState("42P10"),
                 e.position);
    }
    ASSIGN_OR_RETURN(BoundExprPtr b,
                     binder().Bind(e, from_.scope, clause, grouped_ ? &agg_ : nullptr));
    const int column = static_cast<int>(targets_.size() + hidden_.size());
    hidden_.push_back(std::move(b));
    hidden_sexps_.push_back(sexp);
    return column;
  }

  // DISTINCT ON (...): its columns in *columns, and the sort that brings equal rows together.
  // As in PostgreSQL, the leading ORDER BY items must be DISTINCT ON expressions until every one
  // of them has appeared (42P10 otherwise); those that have not are sorted on after the ORDER BY.
  Status BindDistinctOn(std::vector<SortKey>* keys, std::vector<int>* columns) {
    for (const ExprPtr& e : body_.distinct_on) {
      ASSIGN_OR_RETURN(int c, OutputColumn(*e, "DISTINCT ON"));
      columns->push_back(c);
    }
    std::vector<bool> covered(columns->size(), false);
    size_t remaining = columns->size();
    for (const SortKey& k : *keys) {
      if (remaining == 0) break;
      auto it = std::find(columns->begin(), columns->end(), k.column);
      if (it == columns->end()) {
        return Err(Status::InvalidArgument(
                       "SELECT DISTINCT ON expressions must match initial ORDER BY expressions")
                       .WithSqlState("42P10"),
                   body_.distinct_on[0]->position);
      }
      const size_t j = static_cast<size_t>(it - columns->begin());
      if (!covered[j]) {
        covered[j] = true;
        --remaining;
      }
    }
    for (size_t j = 0; j < columns->size(); ++j) {
      if (covered[j]) continue;
      covered[j] = true;
      SortKey key;
      key.column = (*columns)[j];
      keys->push_back(key);
    }
    return Status::OK();
  }

  bool distinct_on() const { return !body_.distinct_on.empty(); }
  bool plain_distinct() const { return body_.distinct && body_.distinct_on.empty(); }

  const SelectBody& body_;
  PlanContext& ctx_;
  FromPlan from_;
  bool grouped_ = false;
  AggregateScope agg_;
  std::vector<BoundExprPtr> group_exprs_;
  std::vector<Target> targets_;
  std::vector<BoundExprPtr> hidden_;
  std::vector<std::string> hidden_sexps_;  // of each hidden column's expression
  bool keep_untyped_outputs_ = false;      // PlanContext::set_operation_branch
  WindowScope window_;
  SrfScope srf_;
};

Result<QueryPlan> PlanBody(const QueryBody& body, PlanContext& ctx);

Result<QueryPlan> PlanValues(const ValuesBody& values, PlanContext& ctx) {
  ctx.set_operation_branch = false;
  std::vector<std::vector<BoundExprPtr>> rows;
  Scope empty;
  for (const auto& row : values.rows) {
    std::vector<BoundExprPtr> bound;
    for (const ExprPtr& e : row) {
      ASSIGN_OR_RETURN(BoundExprPtr b, ctx.binder->Bind(*e, empty, "VALUES"));
      bound.push_back(std::move(b));
    }
    if (!rows.empty() && bound.size() != rows[0].size()) {
      return ctx.binder->ErrorAt(
          Status::InvalidArgument("VALUES lists must all be the same length").WithSqlState("42601"),
          row.empty() ? values.position : row[0]->position);
    }
    rows.push_back(std::move(bound));
  }
  QueryPlan plan;
  for (size_t c = 0; !rows.empty() && c < rows[0].size(); ++c) {
    std::vector<BoundExprPtr*> column;
    for (auto& r : rows) column.push_back(&r[c]);
    TypeId common = TypeId::kNull;
    for (BoundExprPtr* e : column) {
      Result<TypeId> t = CommonType(common, (*e)->type.id(), "VALUES");
      if (!t.ok()) return ctx.binder->ErrorAt(t.TakeStatus(), values.position);
      common = *t;
    }
    Type type =
        Type::Of(common == TypeId::kNull || common == TypeId::kUnknown ? TypeId::kText : common);
    for (BoundExprPtr* e : column) {
      ASSIGN_OR_RETURN(*e, ctx.binder->CoerceImplicit(std::move(*e), type, values.position));
    }
    plan.columns.push_back(ResultColumn{"column" + std::to_string(c + 1), type, 0, 0});
  }
  plan.source = MakeValuesSource(std::move(rows), ctx.eval);
  return plan;
}

Result<QueryPlan> PlanSetOperation(const SetOperationBody& op, PlanContext& ctx) {
  const char* name = op.op == SetOpKind::kUnion       ? "UNION"
                     : op.op == SetOpKind::kIntersect ? "INTERSECT"
                                                      : "EXCEPT";
  ctx.set_operation_branch = true;
  Result<QueryPlan> left_plan = PlanBody(*op.left, ctx);
  ctx.set_operation_branch = false;
  ASSIGN_OR_RETURN(QueryPlan left, std::move(left_plan));
  ctx.set_operation_branch = true;
  Result<QueryPlan> right_plan = PlanBody(*op.right, ctx);
  ctx.set_operation_branch = false;
  ASSIGN_OR_RETURN(QueryPlan right, std::move(right_plan));
  if (left.columns.size() != right.columns.size()) {
    return ctx.binder->ErrorAt(
        Status::InvalidArgument(std::string("each ") + name +
                                " query must have the same number of columns")
            .WithSqlState("42601"),
        op.position);
  }
  std::vector<BoundExprPtr> lcast, rcast;
  QueryPlan plan;
  for (size_t i = 0; i < left.columns.size(); ++i) {
    Result<TypeId> t = CommonType(left.columns[i].type.id(), right.columns[i].type.id(), name);
    if (!t.ok()) return ctx.binder->ErrorAt(t.TakeStatus(), op.position);
    Type type = Type::Of(*t);
    ASSIGN_OR_RETURN(BoundExprPtr l,
                     ctx.binder->CoerceImplicit(
                         MakeColumn(static_cast<int>(i), left.columns[i].type), type, op.position));
    ASSIGN_OR_RETURN(BoundExprPtr r, ctx.binder->CoerceImplicit(
                                         MakeColumn(static_cast<int>(i), right.columns[i].type),
                                         type, op.position));
    lcast.push_back(std::move(l));
    rcast.push_back(std::move(r));
    plan.columns.push_back(ResultColumn{left.columns[i].name, type, 0, 0});
  }
  RowSourcePtr l = MakeProjectSource(std::move(left.source), std::move(lcast), ctx.eval);
  RowSourcePtr r = MakeProjectSource(std::move(right.source), std::move(rcast), ctx.eval);
  if (op.op != SetOpKind::kUnion) {
    plan.source = MakeSetOpSource(std::move(l), std::move(r), plan.columns.size(),
                                  op.op == SetOpKind::kIntersect, op.all, ctx.control);
    return plan;
  }
  std::vector<RowSourcePtr> inputs;
  inputs.push_back(std::move(l));
  inputs.push_back(std::move(r));
  plan.source = std::make_unique<ConcatSource>(std::move(inputs));
  if (!op.all) {
    plan.source = MakeDistinctSource(std::move(plan.source), plan.columns.size(), ctx.control);
  }
  return plan;
}

Result<QueryPlan> PlanBody(const QueryBody& body, PlanContext& ctx) {
  switch (body.kind) {
    case QueryBodyKind::kSelect: {
      SelectPlanner planner(body.As<SelectBody>(), ctx);
      return planner.Plan({}, nullptr, nullptr);
    }
    case QueryBodyKind::kValues:
      return PlanValues(body.As<ValuesBody>(), ctx);
    case QueryBodyKind::kSetOperation:
      return PlanSetOperation(body.As<SetOperationBody>(), ctx);
    case QueryBodyKind::kNested:
      return PlanQuery(*body.As<NestedQueryBody>().query, ctx);
  }
  return Status::InvalidArgument("bad query body").WithSqlState("XX000");
}

// A subquery expression's plan. An uncorrelated subquery runs once and its result is kept; a
// correlated one reruns (Rewind) for each enclosing row, which it pushes for its outer
// references to read.
class SubqueryRunner : public SubqueryEvaluator {
 public:
  explicit SubqueryRunner(RowSourcePtr source) : source_(std::move(source)) {}

  Result<Value> Evaluate(const BoundExpr& e, const Row& row, const EvalContext& ctx) override {
    Value operand;
    if (!e.args.empty()) {
      ASSIGN_OR_RETURN(operand, Eval(*e.args[0], row, ctx));
    }
    if (e.correlated || !cached_) {
      ctx.outer_rows.push_back(&row);
      Status s = Load(e.subquery_test == SubqueryTest::kExists ? 1 : 0);
      ctx.outer_rows.pop_back();
      RETURN_IF_ERROR(s);
      cached_ = true;
    }
    switch (e.subquery_test) {
      case SubqueryTest::kExists:
        return Value::Bool(!rows_.empty() != e.negated);
      case SubqueryTest::kScalar:
        if (rows_.size() > 1) {
          return Status::InvalidArgument(
                     "more than one row returned by a subquery used as an expression")
              .WithSqlState("21000");
        }
        return rows_.empty() ? Value::Null(e.type.id()) : rows_[0][0];
      case SubqueryTest::kArray: {
        std::vector<Value> values;
        for (const Row& r : rows_) values.push_back(r[0]);
        return Value::Text(ArrayText(values));
      }
      default:
        return Quantified(e, operand);
    }
  }

 private:
  // Reads the subquery's rows (at most `limit` when not 0).
  Status Load(size_t limit) {
    rows_.clear();
    source_->Rewind();
    Row r;
    while (limit == 0 || rows_.size() < limit) {
      ASSIGN_OR_RETURN(bool more, source_->Next(&r));
      if (!more) break;
      rows_.push_back(std::move(r));
    }
    return Status::OK();
  }

  // x IN (...) / x op ANY (...) / x op ALL (...), with SQL's three-valued logic.
  Result<Value> Quantified(const BoundExpr& e, const Value& x) {
    bool all = e.subquery_test == SubqueryTest::kAll;
    CompareOp op = e.subquery_test == SubqueryTest::kIn ? CompareOp::kEq : e.cmp;
    bool saw_null = false;
    for (const Row& r : rows_) {
      ASSIGN_OR_RETURN(std::optional<int> c, CompareValues(x, r[0]));
      if (!c) {
        saw_null = true;
        continue;
      }
      bool holds = op == CompareOp::kEq   ? *c == 0
                   : op == CompareOp::kNe ? *c != 0
                   : op == CompareOp::kLt ? *c < 0
                   : op == CompareOp::kLe ? *c <= 0
                   : op == CompareOp::kGt ? *c > 0
                                          : *c >= 0;
      if (holds != all) {  // ANY found a match, or ALL found a counterexample
        return Value::Bool(all ? e.negated : !e.negated);
      }
    }
    if (saw_null) return Value::Null(TypeId::kBool);
    return Value::Bool(all != e.negated);
  }

  RowSourcePtr source_;
  std::vector<Row> rows_;
  bool cached_ = false;
};

}  // namespace

std::string ArrayText(const std::vector<Value>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ",";
    if (values[i].is_null()) {
      out += "NULL";
      continue;
    }
    std::string s = FormatValue(values[i]);
    bool quote = s.empty() || s == "NULL" || s == "null" ||
                 s.find_first_of("{},\"\\ \t\n") != std::string::npos;
    if (!quote) {
      out += s;
      continue;
    }
    out += '"';
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

void EnableSubqueries(BindContext* bind, const PlanContext& ctx) {
  bind->plan_subquery =
      [bind, ctx = PlanContext(ctx)](
          const Query& query, SubqueryTest test,
          std::vector<Type>* types) mutable -> Result<std::shared_ptr<SubqueryEvaluator>> {
    (void)test;
    ++bind->subqueries_planned;
    ASSIGN_OR_RETURN(QueryPlan plan, PlanQuery(query, ctx));
    for (const ResultColumn& c : plan.columns) types->push_back(c.type);
    return std::shared_ptr<SubqueryEvaluator>(
        std::make_shared<SubqueryRunner>(std::move(plan.source)));
  };
}

// PlanQuery for a query whose WITH clause (if any) is in ctx.ctes already.
Result<QueryPlan> PlanQueryWithoutWith(const Query& query, PlanContext& ctx);

using CteMap = std::map<std::string, std::shared_ptr<const CommonTableResult>>;

// The columns of WITH query `cte` whose query has output `columns`: its own column names where
// it gives them (42P10 when it gives more than there are), qualified by its name.
Result<std::shared_ptr<CommonTableResult>> CteResult(const CommonTableExpr& cte,
                                                     const std::vector<ResultColumn>& columns,
                                                     PlanContext& ctx) {
  if (cte.columns.size() > columns.size()) {
    return ctx.binder->ErrorAt(
        Status::InvalidArgument("WITH query \"" + cte.name + "\" has " +
                                std::to_string(columns.size()) + " columns available but " +
                                std::to_string(cte.columns.size()) + " columns specified")
            .WithSqlState("42P10"),
        cte.position);
  }
  auto result = std::make_shared<CommonTableResult>();
  for (size_t i = 0; i < columns.size(); ++i) {
    result->columns.push_back(ScopeColumn{
        cte.name, i < cte.columns.size() ? cte.columns[i] : columns[i].name, columns[i].type});
  }
  return result;
}

// A WITH RECURSIVE query of the form `non-recursive term UNION [ALL] recursive term`, evaluated
// as PostgreSQL does: the non-recursive term's rows are the result so far and the first working
// table; the recursive term, reading the working table under the query's name, gives the next
// one (for UNION, less the rows already in the result), until it is empty. The column types are
// the non-recursive term's. The result is held to work_mem (53200 past it: a recursion that
// does not end fails instead of exhausting memory), and statement_timeout applies. Null when the
// second term does not read the query's own rows: then it is an ordinary WITH query.
Result<std::shared_ptr<CommonTableResult>> PlanRecursiveCte(const CommonTableExpr& cte,
                                                            const SetOperationBody& body,
                                                            std::shared_ptr<CteMap> ctes,
                                                            PlanContext& inner) {
  inner.ctes = ctes;
  ASSIGN_OR_RETURN(QueryPlan first, PlanBody(*body.left, inner));
  ASSIGN_OR_RETURN(std::shared_ptr<CommonTableResult> result, CteResult(cte, first.columns, inner));
  // Plans the second term over `table` under the query's name.
  auto plan_step = [&](const std::shared_ptr<CommonTableResult>& table) -> Result<QueryPlan> {
    (*ctes)[cte.name] = table;
    Result<QueryPlan> step = PlanBody(*body.right, inner);
    ctes->erase(cte.name);
    return step;
  };
  // Whether the second term reads the query at all: planned once over an empty working table,
  // before any row is read.
  auto probe = std::make_shared<CommonTableResult>();
  probe->columns = result->columns;
  ASSIGN_OR_RETURN(QueryPlan probe_plan, plan_step(probe));
  if (!probe->referenced) return std::shared_ptr<CommonTableResult>();
  if (probe_plan.columns.size() != result->columns.size()) {
    return inner.binder->ErrorAt(
        Status::InvalidArgument("each UNION query must have the same number of columns")
            .WithSqlState("42601"),
        body.position);
  }
  if (!inner.has_params) return result;  // Describe: the columns are known
  const std::string what = "WITH RECURSIVE query \"" + cte.name + "\"";
  const size_t width = result->columns.size();
  std::unordered_set<Row, RowPrefixHash, RowPrefixEq> seen(16, RowPrefixHash{width},
                                                           RowPrefixEq{width});  // UNION
  size_t bytes = 0;
  // Keeps the rows of `batch` that are new (UNION) and counts them against work_mem.
  auto admit = [&](std::vector<Row> batch) -> Result<std::vector<Row>> {
    std::vector<Row> fresh;
    for (Row& r : batch) {
      if (!body.all && !seen.insert(r).second) continue;
      bytes += RowBytes(r) * (body.all ? 1 : 2);
      if (bytes > inner.control->work_mem) {
        return Status::Busy(what + " needs more than work_mem").WithSqlState("53200");
      }
      fresh.push_back(std::move(r));
    }
    return fresh;
  };
  std::vector<Row> rows;
  RETURN_IF_ERROR(ReadAllRows(*first.source, *inner.control, what, &rows));
  ASSIGN_OR_RETURN(std::vector<Row> working, admit(std::move(rows)));
  result->rows = working;
  while (!working.empty()) {
    RETURN_IF_ERROR(inner.control->Check());
    auto table = std::make_shared<CommonTableResult>();
    table->columns = result->columns;
    table->rows = std::move(working);
    ASSIGN_OR_RETURN(QueryPlan step, plan_step(table));
    rows.clear();
    RETURN_IF_ERROR(ReadAllRows(*step.source, *inner.control, what, &rows));
    for (Row& r : rows) {
      for (size_t i = 0; i < width; ++i) {
        if (r[i].is_null() || r[i].type() == result->columns[i].type.id()) continue;
        ASSIGN_OR_RETURN(r[i], CastValue(r[i], result->columns[i].type, CastContext::kAssignment));
      }
    }
    ASSIGN_OR_RETURN(working, admit(std::move(rows)));
    result->rows.insert(result->rows.end(), working.begin(), working.end());
  }
  return result;
}

Result<QueryPlan> PlanQuery(const Query& query, PlanContext& ctx) {
  if (query.with != nullptr) {
    // Each WITH query is planned with the ones before it in scope and run once; the main query
    // then reads its rows under its name.
    auto ctes = std::make_shared<CteMap>();
    if (ctx.ctes != nullptr) *ctes = *ctx.ctes;
    PlanContext inner = ctx;
    for (const CommonTableExpr& cte : query.with->ctes) {
      inner.ctes = ctes;
      const Query& q = *cte.query;
      if (query.with->recursive && q.with == nullptr && q.order_by.empty() && q.limit == nullptr &&
          q.offset == nullptr && q.body->Is<SetOperationBody>() &&
          q.body->As<SetOperationBody>().op == SetOpKind::kUnion) {
        ASSIGN_OR_RETURN(std::shared_ptr<CommonTableResult> result,
                         PlanRecursiveCte(cte, q.body->As<SetOperationBody>(), ctes, inner));
        if (result != nullptr) {
          (*ctes)[cte.name] = std::move(result);
          continue;
        }
      }
      inner.ctes = ctes;
      ASSIGN_OR_RETURN(QueryPlan plan, PlanQuery(*cte.query, inner));
      ASSIGN_OR_RETURN(std::shared_ptr<CommonTableResult> result,
                       CteResult(cte, plan.columns, ctx));
      if (ctx.has_params) {
        RETURN_IF_ERROR(ReadAllRows(*plan.source, *ctx.control, "WITH query \"" + cte.name + "\"",
                                    &result->rows));
      }
      (*ctes)[cte.name] = std::move(result);
    }
    inner.ctes = ctes;
    return PlanQueryWithoutWith(query, inner);
  }
  return PlanQueryWithoutWith(query, ctx);
}

Result<QueryPlan> PlanQueryWithoutWith(const Query& query, PlanContext& ctx) {
  if (!query.locking.empty()) {
    return ctx.binder->ErrorAt(
        FeatureNotSupported("FOR UPDATE/SHARE is not supported: rows are never updated"),
        query.locking[0].position);
  }
  if (query.body->Is<SelectBody>()) {
    SelectPlanner planner(query.body->As<SelectBody>(), ctx);
    return planner.Plan(query.order_by, query.limit.get(), query.offset.get());
  }
  ASSIGN_OR_RETURN(QueryPlan plan, PlanBody(*query.body, ctx));
  // ORDER BY over a VALUES list or a set operation: by output column name or position.
  std::vector<SortKey> keys;
  for (const SortItem& item : query.order_by) {
    SortKey key;
    key.descending = item.order == SortOrder::kDesc;
    key.nulls_first =
        item.nulls == NullsOrder::kDefault ? key.descending : item.nulls == NullsOrder::kFirst;
    int64_t ordinal;
    key.column = -1;
    if (IsIntegerLiteral(*item.expr, &ordinal) && ordinal >= 1 &&
        ordinal <= static_cast<int64_t>(plan.columns.size())) {
      key.column = static_cast<int>(ordinal - 1);
    } else if (item.expr->Is<ColumnRefExpr>()) {
      for (size_t i = 0; i < plan.columns.size(); ++i) {
        if (plan.columns[i].name == item.expr->As<ColumnRefExpr>().names.back()) {
          key.column = static_cast<int>(i);
        }
      }
    }
    if (key.column < 0) {
      return ctx.binder->ErrorAt(
          FeatureNotSupported("ORDER BY on a UNION or VALUES must name an output column"),
          item.position);
    }
    keys.push_back(key);
  }
  if (!keys.empty()) {
    plan.source = MakeSortSource(std::move(plan.source), std::move(keys), ctx.control);
  }
  ASSIGN_OR_RETURN(std::optional<int64_t> lim, EvalCount(query.limit.get(), ctx, "LIMIT"));
  ASSIGN_OR_RETURN(std::optional<int64_t> off, EvalCount(query.offset.get(), ctx, "OFFSET"));
  if (lim || off) {
    std::optional<uint64_t> l;
    if (lim) l = static_cast<uint64_t>(*lim);
    plan.source = MakeLimitSource(std::move(plan.source), l, off ? static_cast<uint64_t>(*off) : 0);
  }
  return plan;
}

}  // namespace blockdb::sql::exec
