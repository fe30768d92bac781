// Row encoding: the engine value that stores a row's non-key columns, in the format of
// docs/format/row.md (schema version, column count, null bitmap, then each non-NULL column in a
// fixed binary form). Encoding is canonical: the decoder rejects every byte string the encoder
// cannot produce, as Corruption. Pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "sql/types/type.h"
#include "sql/types/value.h"

namespace blockdb::sql {

// Appends the encoding of `values` (values[i] is column i) to *out. REQUIRES:
// values.size() == columns.size(), and every value NULL or of its column's TypeId (the binder
// has cast it); a violation is a bug and aborts.
void EncodeRow(uint32_t schema_version, std::span<const Type> columns,
               std::span<const Value> values, std::string* out);

// The schema version a row was written under, so that the caller can look up its columns.
Result<uint32_t> DecodeRowSchemaVersion(std::string_view row);

// Decodes a row written with `columns` (the columns of its schema version). Corruption when the
// bytes are not exactly such an encoding (truncated, trailing bytes, wrong column count, bad
// bitmap padding, invalid payload).
Result<std::vector<Value>> DecodeRow(std::string_view row, std::span<const Type> columns);

// The same decoding, writing column i to (*out)[positions[i]] (the scan path: no vector per
// row). With `needed`, a column whose (*needed)[positions[i]] is false is stepped over without
// decoding and comes out as NULL. REQUIRES: positions.size() == columns.size(), every position <
// out->size() (and < needed->size()).
Status DecodeRowInto(std::string_view row, std::span<const Type> columns,
                     std::span<const uint32_t> positions, std::vector<Value>* out,
                     const std::vector<bool>* needed = nullptr);

}  // namespace blockdb::sql
