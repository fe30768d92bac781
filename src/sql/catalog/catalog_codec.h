// Catalog codec: the engine keys and values of catalog rows, as specified byte by byte in
// docs/format/catalog.md. Catalog rows are ordinary engine rows under reserved table ids
// (catalog_defs.h), so DDL is a log record and a ledger entry like any insert. Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "sql/catalog/catalog_defs.h"

namespace blockdb::sql {

inline constexpr uint8_t kCatalogFormatVersion = 1;
// The version byte of a table row whose table has an unconstrained NUMERIC primary-key column
// stored in its row values too (TableDef::numeric_keys_in_value). Such a table's row with
// version 1 predates that layout: its row values lack those columns.
inline constexpr uint8_t kTableFormatVersionNumericKeys = 2;

// Kind byte of a relation id claim's value.
enum class RelationKind : uint8_t {
  kTable = 1,
  kIndex = 2,
};

// Keys. A catalog key is varint(catalog table id) followed by key columns (common/key_coding.h).
std::string TableCatalogKey(std::string_view schema, std::string_view name);
std::string RelationIdKey(uint64_t id);
std::string IndexCatalogKey(std::string_view schema, std::string_view name);
std::string RoleCatalogKey(std::string_view name);

// Identity range reservations (kIdentityRangesId): the key prefix of column `column` of table
// `table_id`, and the key of its `number`th reservation (number >= 1). Later reservations sort
// first, so a Seek to the prefix finds the latest.
std::string IdentityRangePrefix(uint64_t table_id, uint32_t column);
std::string IdentityRangeKey(uint64_t table_id, uint32_t column, uint64_t number);

// One reservation: the writer that logged it owns the values [first, end).
struct IdentityRange {
  uint64_t number = 0;
  uint64_t first = 0;
  uint64_t end = 0;
};

// The [begin, end) key range holding every catalog row.
std::string CatalogRangeBegin();
std::string CatalogRangeEnd();

// Values. Decoders return Corruption for anything the encoder cannot produce (unknown version,
// truncation, trailing bytes, an invalid type).
std::string EncodeTableDef(const TableDef& def);
Result<TableDef> DecodeTableDef(std::string_view value);
std::string EncodeRelationId(RelationKind kind, std::string_view name);
std::string EncodeIndexDef(const IndexDef& def);
Result<IndexDef> DecodeIndexDef(std::string_view value);
std::string EncodeRoleDef(const RoleDef& def);
Result<RoleDef> DecodeRoleDef(std::string_view value);
std::string EncodeIdentityRange(uint64_t first, uint64_t end);
// The reservation a key under `prefix` (IdentityRangePrefix) and its value hold; Corruption when
// either is malformed or the range is empty.
Result<IdentityRange> DecodeIdentityRange(std::string_view prefix, std::string_view key,
                                          std::string_view value);

// The catalog table id a catalog key starts with; Corruption when the key has no varint prefix.
Result<uint64_t> CatalogKeyTable(std::string_view key);
// The relation id a RelationIdKey holds.
Result<uint64_t> DecodeRelationIdKey(std::string_view key);

}  // namespace blockdb::sql
