// VARCHAR(n) length enforcement, shared by the input function and casts. Private to sql/types.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "sql/types/type.h"

namespace blockdb::sql::internal {

// `text` fitted to `type` (a varchar, possibly without length): unchanged when it has at most n
// characters; otherwise cut to n characters if `explicit_cast` or if the characters cut are all
// spaces, else 22001 "value too long for type character varying(n)".
Result<std::string> FitVarchar(std::string_view text, const Type& type, bool explicit_cast);

}  // namespace blockdb::sql::internal
