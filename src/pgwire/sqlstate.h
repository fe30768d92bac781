// SQLSTATE codes produced by the pgwire module, and helpers that attach them to a Status.
// The full list of codes BlockDB sends is in PGWIRE.md (design notes) and docs/protocol/pgwire.md.
#pragma once

#include <string>

#include "common/status.h"

namespace blockdb::pgwire {

inline constexpr char kSqlStateProtocolViolation[] = "08P01";
inline constexpr char kSqlStateFeatureNotSupported[] = "0A000";
inline constexpr char kSqlStateInvalidPassword[] = "28P01";
inline constexpr char kSqlStateInvalidAuthorization[] = "28000";
inline constexpr char kSqlStateInvalidBinaryRepresentation[] = "22P03";
inline constexpr char kSqlStateInvalidTextRepresentation[] = "22P02";
inline constexpr char kSqlStateDatetimeFieldOverflow[] = "22008";
inline constexpr char kSqlStateInvalidDatetimeFormat[] = "22007";
inline constexpr char kSqlStateNumericValueOutOfRange[] = "22003";
inline constexpr char kSqlStateCharacterNotInRepertoire[] = "22021";
inline constexpr char kSqlStateInternalError[] = "XX000";

// InvalidArgument carrying 08P01: the client broke the protocol; the connection cannot continue.
inline Status ProtocolViolation(std::string msg) {
  return Status::InvalidArgument(std::move(msg)).WithSqlState(kSqlStateProtocolViolation);
}

// NotSupported carrying 0A000.
inline Status FeatureNotSupported(std::string msg) {
  return Status::NotSupported(std::move(msg)).WithSqlState(kSqlStateFeatureNotSupported);
}

// InvalidArgument carrying 22P03 (a binary-format value that does not parse).
inline Status InvalidBinaryRepresentation(std::string msg) {
  return Status::InvalidArgument(std::move(msg)).WithSqlState(kSqlStateInvalidBinaryRepresentation);
}

// InvalidArgument carrying 22P02 (a text-format value that does not parse).
inline Status InvalidTextRepresentation(std::string msg) {
  return Status::InvalidArgument(std::move(msg)).WithSqlState(kSqlStateInvalidTextRepresentation);
}

}  // namespace blockdb::pgwire
