// Casts between SQL types and the implicit coercion rules, as PostgreSQL 15's pg_cast and its
// type resolution (select_common_type, operator resolution for the built-in operators) define
// them.
#pragma once

#include <optional>
#include <string_view>

#include "common/status.h"
#include "sql/types/type.h"
#include "sql/types/value.h"

namespace blockdb::sql {

// Where a cast may happen, from the most to the least permissive place: an explicit CAST or ::,
// an assignment to a column (INSERT), or an implicit coercion inside an expression.
enum class CastContext : uint8_t { kImplicit = 0, kAssignment = 1, kExplicit = 2 };

// The most restrictive context in which `from` converts to `to` (kImplicit when it happens
// anywhere), or nullopt when no cast exists. Includes PostgreSQL's I/O conversions: any type to
// text or varchar in assignment, text or varchar to any type explicitly. A NULL or an
// unknown-typed literal converts implicitly to every type.
std::optional<CastContext> CastContextFor(TypeId from, TypeId to);

// True when CastContextFor(from, to) allows `context`.
bool CanCast(TypeId from, TypeId to, CastContext context);

// Converts `v` to `to`, applying the target's modifier (varchar length: cut in an explicit cast,
// else 22001 unless only spaces are cut; numeric precision and scale: 22003 on overflow).
// NULL gives a NULL of the target type. Errors: 42846 "cannot cast type X to Y" when `context`
// does not allow the cast; the conversion's own errors (22P02 for text input, 22003 for
// integer, float or numeric overflow "integer out of range", 0A000 for NaN to integer, 22008 for
// dates out of range). Rounding as PostgreSQL: float to integer rounds half to even (rint),
// numeric to integer half away from zero; float to numeric keeps 15 (float8) or 6 (float4)
// significant digits; boolean to text is 'true' / 'false'; jsonb holding a number or boolean
// casts explicitly to number types or boolean (22023 "cannot cast jsonb string to type integer"
// otherwise).
Result<Value> CastValue(const Value& v, const Type& to, CastContext context);

// The type two inputs of a UNION, CASE, VALUES column or IN list resolve to (PostgreSQL's
// select_common_type): unknown and NULL inputs take the other's type (text when both are
// unknown); within a category the type the other converts to implicitly (int2 < int4 < int8 <
// numeric < real < double precision; varchar < text; date < timestamp < timestamptz). 42804
// "<context> types X and Y cannot be matched" across categories. `context` is e.g. "UNION".
Result<TypeId> CommonType(TypeId a, TypeId b, std::string_view context);

}  // namespace blockdb::sql
