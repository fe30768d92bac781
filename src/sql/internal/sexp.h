// Helpers shared by the S-expression printers (ast_printer.cc, query_printer.cc,
// stmt_printer.cc). Private to sql/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sql/ast.h"

namespace blockdb::sql::internal {

std::string Dotted(const std::vector<std::string>& names);         // a.b.c, each quoted if needed
std::string QuoteLiteral(std::string_view value);                  // 'it''s'
std::string Parenthesized(const std::vector<std::string>& items);  // (a b c)
std::string List(std::string_view head, const std::vector<std::string>& items);  // (head a b)
std::string IdentifierList(std::string_view head, const std::vector<std::string>& names);
std::string ExprList(std::string_view head, const std::vector<ExprPtr>& exprs);
std::string SortItems(const std::vector<SortItem>& items);  // (order-by ...)
std::string Targets(std::string_view head, const std::vector<TargetItem>& targets);
std::string WindowSpecText(std::string_view head, const WindowSpec& spec);
std::string WithText(const WithClause& with);
std::string OptionsText(const std::vector<OptionItem>& options);

}  // namespace blockdb::sql::internal
