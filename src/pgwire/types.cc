#include "pgwire/types.h"

#include <algorithm>
#include <array>

namespace blockdb::pgwire {

namespace {

// Copied from pg_type of a PostgreSQL 15 server (oid, typname, typlen, typarray, typelem),
// sorted by OID for binary search.
constexpr std::array kTypes = std::to_array<TypeInfo>({
    {16, "bool", 1, 1000, 0},
    {17, "bytea", -1, 1001, 0},
    {18, "char", 1, 1002, 0},
    {19, "name", 64, 1003, 18},
    {20, "int8", 8, 1016, 0},
    {21, "int2", 2, 1005, 0},
    {23, "int4", 4, 1007, 0},
    {24, "regproc", 4, 1008, 0},
    {25, "text", -1, 1009, 0},
    {26, "oid", 4, 1028, 0},
    {114, "json", -1, 199, 0},
    {199, "_json", -1, 0, 114},
    {700, "float4", 4, 1021, 0},
    {701, "float8", 8, 1022, 0},
    {705, "unknown", -2, 0, 0},
    {1000, "_bool", -1, 0, 16},
    {1001, "_bytea", -1, 0, 17},
    {1002, "_char", -1, 0, 18},
    {1003, "_name", -1, 0, 19},
    {1005, "_int2", -1, 0, 21},
    {1007, "_int4", -1, 0, 23},
    {1008, "_regproc", -1, 0, 24},
    {1009, "_text", -1, 0, 25},
    {1014, "_bpchar", -1, 0, 1042},
    {1015, "_varchar", -1, 0, 1043},
    {1016, "_int8", -1, 0, 20},
    {1021, "_float4", -1, 0, 700},
    {1022, "_float8", -1, 0, 701},
    {1028, "_oid", -1, 0, 26},
    {1042, "bpchar", -1, 1014, 0},
    {1043, "varchar", -1, 1015, 0},
    {1082, "date", 4, 1182, 0},
    {1083, "time", 8, 1183, 0},
    {1114, "timestamp", 8, 1115, 0},
    {1115, "_timestamp", -1, 0, 1114},
    {1182, "_date", -1, 0, 1082},
    {1183, "_time", -1, 0, 1083},
    {1184, "timestamptz", 8, 1185, 0},
    {1185, "_timestamptz", -1, 0, 1184},
    {1186, "interval", 16, 1187, 0},
    {1187, "_interval", -1, 0, 1186},
    {1231, "_numeric", -1, 0, 1700},
    {1700, "numeric", -1, 1231, 0},
    {2205, "regclass", 4, 2210, 0},
    {2206, "regtype", 4, 2211, 0},
    {2210, "_regclass", -1, 0, 2205},
    {2211, "_regtype", -1, 0, 2206},
    {2950, "uuid", 16, 2951, 0},
    {2951, "_uuid", -1, 0, 2950},
    {3802, "jsonb", -1, 3807, 0},
    {3807, "_jsonb", -1, 0, 3802},
});

constexpr bool SortedByOid() {
  for (size_t i = 1; i < kTypes.size(); ++i) {
    if (kTypes[i - 1].oid >= kTypes[i].oid) {
      return false;
    }
  }
  return true;
}
static_assert(SortedByOid());

}  // namespace

std::span<const TypeInfo> BuiltinTypes() { return kTypes; }

const TypeInfo* FindTypeByOid(Oid oid) {
  const auto it = std::lower_bound(kTypes.begin(), kTypes.end(), oid,
                                   [](const TypeInfo& t, Oid o) { return t.oid < o; });
  return it != kTypes.end() && it->oid == oid ? &*it : nullptr;
}

const TypeInfo* FindTypeByName(std::string_view name) {
  const auto it = std::find_if(kTypes.begin(), kTypes.end(),
                               [name](const TypeInfo& t) { return t.name == name; });
  return it != kTypes.end() ? &*it : nullptr;
}

}  // namespace blockdb::pgwire
