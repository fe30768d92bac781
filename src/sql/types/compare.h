// Comparison and hashing of values with PostgreSQL's semantics.
//
// Text, varchar, bytea and uuid compare bytewise: BlockDB's only collation is C (PostgreSQL's
// "C" collation orders text the same way), so 'B' < 'a' and results may differ from a PostgreSQL
// database created with a natural-language collation. Floats order as PostgreSQL orders them:
// -Infinity < ... < -0 = +0 < ... < Infinity < NaN, with NaN = NaN. Numerics ignore their display
// scale (1.0 = 1.00). Intervals compare by their span with a month as 30 days ('1 mon' =
// '30 days'). Dates compare with timestamps as midnight of that day.
#pragma once

#include <cstdint>
#include <optional>

#include "common/status.h"
#include "sql/types/type.h"
#include "sql/types/value.h"

namespace blockdb::sql {

// The type both operands of a comparison operator are converted to, as PostgreSQL resolves
// =, <>, <, <=, >, >= on built-in types: an unknown literal or NULL takes the other side's type
// (text when both are); mixed integer and numeric operands compare as the wider of int2 < int4 <
// int8 < numeric; a float against any other number, or real against double precision, as double
// precision; date < timestamp < timestamptz; text and varchar as text. 42883 "operator does not
// exist: integer = text" for types that do not compare.
Result<TypeId> ComparisonType(TypeId a, TypeId b);

// SQL comparison: nullopt when either side is NULL (the result is unknown), else -1, 0 or 1
// after converting both sides to ComparisonType (an unknown literal is parsed as the other side's
// type: 22P02 if it does not parse). 42883 for types that do not compare.
Result<std::optional<int>> CompareValues(const Value& a, const Value& b);

// The order of ORDER BY, DISTINCT and GROUP BY: -1, 0 or 1, NULL equal to NULL and greater than
// every value (NULLS LAST for ascending; callers reverse for DESC or NULLS FIRST).
// REQUIRES: a and b NULL or of types ComparisonType accepts without parsing (no kUnknown against
// another type): the binder has coerced them already. A violation aborts.
int CompareForSort(const Value& a, const Value& b);

// A hash consistent with CompareForSort: values that compare equal hash alike, including across
// all number types (1::int4, 1::int8, 1.0::numeric and 1::float8 group together), date and the
// timestamp of its midnight, text and varchar, intervals of equal span, and jsonb values equal
// as jsonb. NULLs hash alike. Stable within a process only.
uint64_t HashValue(const Value& v);

}  // namespace blockdb::sql
