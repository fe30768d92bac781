// Every statement the SQL tests parse through the literal-INSERT fast path is parsed by the full
// parser too, and the test binary aborts if the two ASTs differ (sql/internal/literal_insert.h).
#include "sql/internal/literal_insert.h"

namespace {

const bool kCrossCheckOn = [] {
  blockdb::sql::internal::SetLiteralInsertCrossCheck(true);
  return true;
}();

}  // namespace
