// SQL values as order-preserving key columns (primary keys, index entries), on top of
// common/key_coding.h: the memcmp order of the encoded key is the SQL order of the values
// (compare.h's CompareForSort), column by column. docs/format/row.md maps each SQL type to a
// key_coding column type and specifies the NUMERIC payload.
//
//   BOOLEAN                               bool
//   SMALLINT, INTEGER, BIGINT, DATE       int64 (a date as its day number)
//   REAL, DOUBLE PRECISION                double (a real widened exactly)
//   TIMESTAMP, TIMESTAMPTZ                timestamp (microseconds)
//   TEXT, VARCHAR, BYTEA, UUID            string (the bytes)
//   NUMERIC                               string holding the order-preserving numeric form
//
// Equal values encode identically (1.0 and 1.00 give one key, as a unique index must see them),
// so a decoded NUMERIC shows the column's declared scale (numeric(p, s)), or for an unconstrained
// NUMERIC the fewest decimals that show it exactly. JSON, JSONB and INTERVAL cannot be key
// columns (0A000).
#pragma once

#include <string>
#include <string_view>

#include "common/key_coding.h"
#include "common/status.h"
#include "sql/types/type.h"
#include "sql/types/value.h"

namespace blockdb::sql {

// OK when values of `type` can be key columns; 0A000 otherwise.
Status CheckKeyType(const Type& type);

// Appends `v` (NULL or of type.id()) as one key column. REQUIRES: CheckKeyType(type) is OK and
// v matches the type; a violation aborts.
void AppendKeyColumn(std::string* dst, const Type& type, const Value& v, KeyOrder order = {});

// Decodes the next column written by AppendKeyColumn with the same type and order. Corruption
// when the bytes are not such a column.
Result<Value> DecodeKeyColumn(KeyDecoder* decoder, const Type& type, KeyOrder order = {});

// The order-preserving byte form of a numeric that AppendKeyColumn stores as a string; exposed
// for tests and documentation.
std::string NumericKeyBytes(const Numeric& n);

}  // namespace blockdb::sql
