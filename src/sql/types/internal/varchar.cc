#include "sql/types/internal/varchar.h"

#include "sql/types/errors.h"
#include "sql/types/scalar_text.h"

namespace blockdb::sql::internal {

Result<std::string> FitVarchar(std::string_view text, const Type& type, bool explicit_cast) {
  const int n = type.varchar_length();
  if (n < 0 || text.size() <= static_cast<size_t>(n) ||
      Utf8Length(text) <= static_cast<size_t>(n)) {
    return std::string(text);
  }
  const std::string_view kept = Utf8Prefix(text, static_cast<size_t>(n));
  if (!explicit_cast && text.substr(kept.size()).find_first_not_of(' ') != std::string_view::npos) {
    return Status::InvalidArgument("value too long for type character varying(" +
                                   std::to_string(n) + ")")
        .WithSqlState(kSqlStateStringDataRightTruncation);
  }
  return std::string(kept);
}

}  // namespace blockdb::sql::internal
