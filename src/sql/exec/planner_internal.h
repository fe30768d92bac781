// Pieces shared by the planner's files. Private to sql/exec/.
#pragma once

#include <map>
#include <memory>

#include "sql/exec/planner.h"

namespace blockdb::sql::exec {

// A planned FROM clause: its rows and the columns expressions can name.
struct FromPlan {
  RowSourcePtr source;
  Scope scope;
  // The table when FROM is exactly one stored table (for EXPLAIN and RowDescription).
  std::shared_ptr<const TableDef> table;
  // Whether the WHERE clause was bound and pushed into the scan already.
  bool where_consumed = false;
  // For a single stored table: the columns its scan decodes. Left empty (decode all) unless the
  // SELECT reading it fills it in, from filter_columns and its own expressions.
  std::shared_ptr<std::vector<bool>> needed_columns;
  std::vector<bool> filter_columns;  // read by the pushed-down WHERE
  // For a single stored table read along its primary key (full scan, key range or point): the
  // rows come in the order of these key parts (empty otherwise), so an ORDER BY on a prefix of
  // them needs no sort.
  std::vector<KeyPart> row_order;
};

// Marks in *columns the row positions `e` reads; marks everything when `e` holds a correlated
// subquery (its outer references are not visible from here).
void MarkColumns(const BoundExpr& e, std::vector<bool>* columns);

// `where`, when given, may be pushed into a single table's scan (then where_consumed is set).
Result<FromPlan> PlanFrom(const std::vector<FromItemPtr>& items, PlanContext& ctx,
                          const Expr* where);
Result<FromPlan> PlanFromItem(const FromItem& item, PlanContext& ctx, const Expr* where);

BoundExprPtr CloneBound(const BoundExpr& e);

}  // namespace blockdb::sql::exec
