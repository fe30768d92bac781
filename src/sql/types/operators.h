// Operators and scalar functions on values, with PostgreSQL 15's operand resolution, result
// types and errors: integer overflow 22003 ("integer out of range"), division by zero 22012,
// float overflow/underflow 22003 ("value out of range: overflow"), 42883 "operator does not
// exist: date + bigint" for operand types without an operator. A NULL operand gives a NULL of
// the result type. Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/status.h"
#include "sql/types/type.h"
#include "sql/types/value.h"

namespace blockdb::sql {

enum class BinaryOp : uint8_t { kAdd, kSub, kMul, kDiv, kMod, kConcat, kPow };

// "+", "-", "*", "/", "%", "||", "^".
std::string_view BinaryOpSymbol(BinaryOp op);

// The types an operator's operands are converted to before it runs, and its result type.
struct OperatorTypes {
  TypeId left;
  TypeId right;
  TypeId result;
  bool operator==(const OperatorTypes&) const = default;
};

// Resolves `left op right` as PostgreSQL does for the built-in operators:
//  numbers   int2 < int4 < int8 < numeric, each operator on the wider type (int2 + int2 is
//            smallint); any float operand makes it double precision (real op real stays real);
//            % is not defined on floats. ^ exists only as double precision ^ double precision
//            and numeric ^ numeric: numeric when an operand is numeric and neither is a float,
//            else double precision (integer ^ integer, real ^ real, two unknowns).
//  dates     date +- integer -> date, date - date -> integer, date/timestamp/timestamptz +-
//            interval -> timestamp (timestamptz for timestamptz), timestamp - timestamp ->
//            interval (dates widen to timestamps), interval +- interval -> interval,
//            interval * number, number * interval, interval / number -> interval (the number
//            as double precision).
//  ||        bytea || bytea -> bytea; text with any non-array operand -> text.
// An unknown literal takes the other operand's type; two unknowns are 42725 "operator is not
// unique". 42883 when no operator exists.
Result<OperatorTypes> ResolveOperator(BinaryOp op, TypeId left, TypeId right);

// Resolves, converts both operands (implicit casts; literals through the input function) and
// computes. Integer division truncates toward zero; % takes the dividend's sign; numeric results
// carry PostgreSQL's display scale (numeric.h); text || takes each operand's text form (true is
// 'true'). double precision ^ follows PostgreSQL's dpow: 2201F for zero to a negative power and a
// negative number to a non-integer power, 22003 for a finite result that overflows or
// underflows, POSIX pow() rules for NaN and infinities; numeric ^ is NumericPower.
Result<Value> EvalBinary(BinaryOp op, const Value& a, const Value& b);

// Unary minus on numbers and intervals (-(-32768)::int2 is 22003).
Result<Value> EvalNegate(const Value& a);

// abs(number): same type (numeric keeps its scale); 22003 for the most negative integer.
Result<Value> EvalAbs(const Value& a);

// round(x): float8 rounds half to even (rint), numeric half away from zero; integers round as
// double precision, like PostgreSQL (round(5) is double precision 5). round(x, scale): numeric
// only (other numbers are converted to numeric); a negative scale rounds left of the point.
Result<Value> EvalRound(const Value& a, std::optional<int32_t> scale = std::nullopt);

// date_trunc(field, v) on timestamp, timestamptz (a date is taken as timestamptz, as PostgreSQL's
// resolution does) or interval; the result has the input's type.
Result<Value> EvalDateTrunc(std::string_view field, const Value& v);

// extract(field from v) on date, timestamp, timestamptz or interval: numeric, or NULL for a field
// an infinite date or timestamp lacks.
Result<Value> EvalExtract(std::string_view field, const Value& v);

}  // namespace blockdb::sql
