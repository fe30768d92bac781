// JSON and JSONB values: strict validation and PostgreSQL's jsonb normal form.
//
// json keeps the text exactly as written once it validates. jsonb is stored as its normal form,
// which is also its output text as PostgreSQL 15 prints it: object keys sorted by length and then
// bytewise, duplicate keys collapsed (the last one wins), escapes resolved, numbers printed as
// numeric, and ", " / ": " separators ({"a": 2, "b": [1, 2.50]}).
//
// Errors: 22P02 "invalid input syntax for type json" (without the DETAIL PostgreSQL adds),
// 22P05 for \u0000 in jsonb (it cannot be text), 54001 for nesting deeper than kMaxJsonDepth.
// Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"
#include "sql/types/numeric.h"

namespace blockdb::sql {

inline constexpr int kMaxJsonDepth = 1000;

// OK when `text` is one JSON value (RFC 8259, surrounded by optional whitespace).
Status ValidateJson(std::string_view text);

// The jsonb normal form of `text`.
Result<std::string> NormalizeJsonb(std::string_view text);

// PostgreSQL's jsonb ordering of two values in normal form: Object > Array > Boolean > Number >
// String > Null; arrays by element count, then element by element; objects by pair count, then
// key, value, key, value... in stored key order; numbers as numeric (1.0 = 1.00); strings bytewise
// (C collation). A top-level scalar sorts as a one-element array that is less than a real
// one-element array. REQUIRES: both arguments are NormalizeJsonb output.
int CompareJsonb(std::string_view a, std::string_view b);

// The top-level value of a jsonb: its kind as PostgreSQL's cast errors name it ("null",
// "string", "numeric", "boolean", "array", "object"), and its value when it is a number or a
// boolean. REQUIRES: NormalizeJsonb output.
struct JsonbTopLevel {
  std::string_view kind;
  std::optional<Numeric> number;
  std::optional<bool> boolean;
};
JsonbTopLevel InspectJsonb(std::string_view normal);

// One step of the -> and ->> operators: an object member's key, or an array element's 0-based
// position (negative counts back from the end: -1 is the last element).
using JsonStep = std::variant<std::string_view, int64_t>;

// PostgreSQL's json and jsonb -> (as_text false) and ->> (as_text true) on `doc`, a valid json
// text or (`jsonb`) a jsonb normal form; a top-level jsonb scalar is a one-element array to a
// position, as in PostgreSQL. The result is the member's or element's text: as written in a
// json, in normal form in a jsonb; for ->> a string is its unescaped text. nullopt (SQL NULL)
// when `doc` is not an object (for a key) or an array (for a position), when the key or position
// is missing, and for ->> of JSON null. Of duplicate keys in a json text the last one counts.
// 22P05 when a json text holds \u0000 (PostgreSQL cannot navigate it either).
Result<std::optional<std::string>> JsonGet(std::string_view doc, bool jsonb, const JsonStep& step,
                                           bool as_text);

// #> (as_text false) and #>> (as_text true): the value at `path`, each step an object key or, in
// an array, a position written as an integer (negative counts back from the end). nullopt where a
// step does not exist, for a position that is not an integer, and for #>> of JSON null. The
// empty path is the whole document.
// `doc` is json text or a jsonb normal form (a top-level scalar is not an array here).
Result<std::optional<std::string>> JsonGetPath(std::string_view doc,
                                               const std::vector<std::string>& path, bool as_text);

// jsonb @>: whether `a` contains `b` as PostgreSQL defines it. Scalars contain equal scalars; an
// object contains an object whose every key it has, with a value that contains the other's; an
// array contains an array whose every element is contained in one of its elements (order and
// duplicates do not matter), and a top-level scalar equal to one of its elements. A top-level
// scalar contains no array. REQUIRES: both are NormalizeJsonb output.
bool JsonbContains(std::string_view a, std::string_view b);

// jsonb ?: whether `key` is a key of the top-level object, a string element of the top-level
// array, or the top-level string itself. REQUIRES: NormalizeJsonb output.
bool JsonbExists(std::string_view doc, std::string_view key);

// A string equal for exactly the jsonb values CompareJsonb finds equal (numbers lose their
// display scale), for hashing. REQUIRES: NormalizeJsonb output.
std::string JsonbHashKey(std::string_view normal);

}  // namespace blockdb::sql
