// SQLSTATE codes of the value system (sql/types/) and helpers that build a Status carrying one.
// The messages follow PostgreSQL 15's wording so that clients see the same text from both.
#pragma once

#include <string>

#include "common/status.h"

namespace blockdb::sql {

inline constexpr char kSqlStateFeatureNotSupported[] = "0A000";
inline constexpr char kSqlStateStringDataRightTruncation[] = "22001";
inline constexpr char kSqlStateNumericValueOutOfRange[] = "22003";
inline constexpr char kSqlStateInvalidDatetimeFormat[] = "22007";
inline constexpr char kSqlStateDatetimeFieldOverflow[] = "22008";
inline constexpr char kSqlStateDivisionByZero[] = "22012";
inline constexpr char kSqlStateCharacterNotInRepertoire[] = "22021";
inline constexpr char kSqlStateInvalidParameterValue[] = "22023";
inline constexpr char kSqlStateInvalidTextRepresentation[] = "22P02";
inline constexpr char kSqlStateUntranslatableCharacter[] = "22P05";
inline constexpr char kSqlStateDatatypeMismatch[] = "42804";
inline constexpr char kSqlStateUndefinedFunction[] = "42883";
inline constexpr char kSqlStateCannotCoerce[] = "42846";

// InvalidArgument with 22P02: `invalid input syntax for type <type>: "<text>"`.
inline Status InvalidTextRepresentation(std::string msg) {
  return Status::InvalidArgument(std::move(msg)).WithSqlState(kSqlStateInvalidTextRepresentation);
}
inline Status InvalidInputSyntax(std::string_view type, std::string_view text) {
  return InvalidTextRepresentation("invalid input syntax for type " + std::string(type) + ": \"" +
                                   std::string(text) + "\"");
}

// OutOfRange with 22003 ("integer out of range", "value out of range: overflow"...).
inline Status NumericOutOfRange(std::string msg) {
  return Status::OutOfRange(std::move(msg)).WithSqlState(kSqlStateNumericValueOutOfRange);
}

// InvalidArgument with 22012.
inline Status DivisionByZero() {
  return Status::InvalidArgument("division by zero").WithSqlState(kSqlStateDivisionByZero);
}

// OutOfRange with 22008 ("date out of range", "timestamp out of range").
inline Status DatetimeOutOfRange(std::string msg) {
  return Status::OutOfRange(std::move(msg)).WithSqlState(kSqlStateDatetimeFieldOverflow);
}

// NotSupported with 0A000.
inline Status FeatureNotSupported(std::string msg) {
  return Status::NotSupported(std::move(msg)).WithSqlState(kSqlStateFeatureNotSupported);
}

// InvalidArgument with 22023.
inline Status InvalidParameterValue(std::string msg) {
  return Status::InvalidArgument(std::move(msg)).WithSqlState(kSqlStateInvalidParameterValue);
}

// InvalidArgument with 42804.
inline Status DatatypeMismatch(std::string msg) {
  return Status::InvalidArgument(std::move(msg)).WithSqlState(kSqlStateDatatypeMismatch);
}

}  // namespace blockdb::sql
