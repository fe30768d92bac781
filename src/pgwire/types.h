// Built-in PostgreSQL 15 type OIDs that BlockDB reports in RowDescription and
// ParameterDescription, with their names and pg_type.typlen. Clients (Grafana, pgjdbc, psycopg)
// map these numbers to their own types, so only PostgreSQL's own OIDs are ever sent.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "pgwire/messages.h"

namespace blockdb::pgwire {

// Scalar types.
inline constexpr Oid kBoolOid = 16;
inline constexpr Oid kByteaOid = 17;
inline constexpr Oid kCharOid = 18;
inline constexpr Oid kNameOid = 19;
inline constexpr Oid kInt8Oid = 20;
inline constexpr Oid kInt2Oid = 21;
inline constexpr Oid kInt4Oid = 23;
inline constexpr Oid kRegprocOid = 24;
inline constexpr Oid kTextOid = 25;
inline constexpr Oid kOidOid = 26;
inline constexpr Oid kJsonOid = 114;
inline constexpr Oid kFloat4Oid = 700;
inline constexpr Oid kFloat8Oid = 701;
inline constexpr Oid kUnknownOid = 705;
inline constexpr Oid kBpcharOid = 1042;
inline constexpr Oid kVarcharOid = 1043;
inline constexpr Oid kDateOid = 1082;
inline constexpr Oid kTimeOid = 1083;
inline constexpr Oid kTimestampOid = 1114;
inline constexpr Oid kTimestamptzOid = 1184;
inline constexpr Oid kIntervalOid = 1186;
inline constexpr Oid kNumericOid = 1700;
inline constexpr Oid kRegclassOid = 2205;
inline constexpr Oid kRegtypeOid = 2206;
inline constexpr Oid kUuidOid = 2950;
inline constexpr Oid kJsonbOid = 3802;

// Array types ("_" + element name).
inline constexpr Oid kJsonArrayOid = 199;
inline constexpr Oid kBoolArrayOid = 1000;
inline constexpr Oid kByteaArrayOid = 1001;
inline constexpr Oid kCharArrayOid = 1002;
inline constexpr Oid kNameArrayOid = 1003;
inline constexpr Oid kInt2ArrayOid = 1005;
inline constexpr Oid kInt4ArrayOid = 1007;
inline constexpr Oid kRegprocArrayOid = 1008;
inline constexpr Oid kTextArrayOid = 1009;
inline constexpr Oid kBpcharArrayOid = 1014;
inline constexpr Oid kVarcharArrayOid = 1015;
inline constexpr Oid kInt8ArrayOid = 1016;
inline constexpr Oid kFloat4ArrayOid = 1021;
inline constexpr Oid kFloat8ArrayOid = 1022;
inline constexpr Oid kOidArrayOid = 1028;
inline constexpr Oid kTimestampArrayOid = 1115;
inline constexpr Oid kDateArrayOid = 1182;
inline constexpr Oid kTimeArrayOid = 1183;
inline constexpr Oid kTimestamptzArrayOid = 1185;
inline constexpr Oid kIntervalArrayOid = 1187;
inline constexpr Oid kNumericArrayOid = 1231;
inline constexpr Oid kRegclassArrayOid = 2210;
inline constexpr Oid kRegtypeArrayOid = 2211;
inline constexpr Oid kUuidArrayOid = 2951;
inline constexpr Oid kJsonbArrayOid = 3807;

struct TypeInfo {
  Oid oid;
  std::string_view name;  // pg_type.typname
  int16_t typlen;         // bytes; -1 variable length, -2 C string
  Oid array_oid;          // pg_type.typarray: the array type of this type; 0 for arrays
  Oid element_oid;        // pg_type.typelem: element of an array type (also 18 for name)
};

// Every type above, sorted by OID. Matches pg_type of PostgreSQL 15.
std::span<const TypeInfo> BuiltinTypes();

// nullptr when the OID is not in the table.
const TypeInfo* FindTypeByOid(Oid oid);
// By pg_type.typname ("int4", "_int4", "timestamptz"); nullptr when unknown.
const TypeInfo* FindTypeByName(std::string_view name);

}  // namespace blockdb::pgwire
