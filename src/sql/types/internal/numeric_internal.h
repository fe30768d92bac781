// Helpers shared by numeric.cc and numeric_arith.cc. Private to sql/types.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "sql/types/numeric.h"

namespace blockdb::sql::internal {

// 22003 "value overflows numeric format".
Status NumericOverflow();

// Builds a finite numeric from the decimal digit string `dec` (no leading zero; empty for zero)
// whose first digit has decimal weight `dweight` (10^dweight), showing `dscale` decimals.
Result<Numeric> FromDecimalDigits(std::string_view dec, int64_t dweight, int64_t dscale,
                                  bool negative);

}  // namespace blockdb::sql::internal
