// Table codec: how the rows and secondary index entries of a SQL table are laid out as engine
// keys and values (docs/format/catalog.md, "Table rows and index entries"; the row value itself
// is docs/format/row.md). Pure functions.
//
//   row key            varint(table id) + primary-key columns (AppendKeyColumn, each with its
//                      ASC/DESC order), or varint(table id) + int64 hidden row id
//   row value          EncodeRow(schema version, the columns not in the primary key, and the
//                      unconstrained NUMERIC key columns: TableDef::StoredInRowValue)
//   index entry        varint(index id) + index columns + primary-key bytes -> ""
//   unique index entry varint(index id) + index columns -> primary-key bytes, so that the
//                      engine's insert-if-absent enforces uniqueness; when an indexed value is
//                      NULL the primary-key bytes are appended to the key as well, so that NULLs
//                      never conflict (PostgreSQL's NULLS DISTINCT)
//
// "Primary-key bytes" are the row key without its table-id prefix.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/key_coding.h"
#include "common/status.h"
#include "sql/catalog/catalog_defs.h"
#include "sql/types/value.h"

namespace blockdb::sql {

// varint(id): the prefix of every key of a table or index.
std::string RelationKeyPrefix(uint64_t relation_id);

// The key parts of a table's row key: its primary key, or the hidden row id (one ascending
// BIGINT column, reported as column index UINT32_MAX).
inline constexpr uint32_t kHiddenRowIdColumn = UINT32_MAX;
std::vector<KeyPart> RowKeyParts(const TableDef& table);
// Type of a key part of `table` (BIGINT for the hidden row id).
Type KeyPartType(const TableDef& table, const KeyPart& part);

// Appends the key columns `values` (values[i] for parts[i]; fewer values than parts encode a
// prefix). InvalidArgument (42804) when a value's type does not match its column; 0A000 for a
// type that cannot be a key.
Status AppendKeyValues(const TableDef& table, std::span<const KeyPart> parts,
                       std::span<const Value> values, std::string* dst);

// Primary-key bytes of a full row (values in column order); row_id is used for a table with a
// hidden row id. REQUIRES: the row was validated (types match, no NULL key column).
std::string PrimaryKeyBytes(const TableDef& table, std::span<const Value> row, uint64_t row_id);

// The row value: EncodeRow of the columns TableDef::StoredInRowValue names (all columns for a
// hidden-row-id table).
std::string EncodeRowValue(const TableDef& table, std::span<const Value> row);

// Decodes a full row (values in column order) from its primary-key bytes and value. Corruption
// for malformed bytes; NotSupported for a row of another schema version.
Result<std::vector<Value>> DecodeTableRow(const TableDef& table, std::string_view pk_bytes,
                                          std::string_view value);
// DecodeTableRow for many rows of one table: the column layout is worked out once and each row
// is decoded into the caller's vector (a table scan's hot path).
class TableRowDecoder {
 public:
  // `table` must outlive the decoder.
  explicit TableRowDecoder(const TableDef& table);
  // Same result and errors as DecodeTableRow; *row is resized to the table's columns.
  Status Decode(std::string_view pk_bytes, std::string_view value, std::vector<Value>* row) const;
  // Only the columns marked true are decoded from then on; the others read as NULL (a query
  // that does not use them). needed.size() must be the table's column count.
  void SetNeededColumns(std::vector<bool> needed);

 private:
  const TableDef& table_;
  std::vector<uint32_t> value_columns_;
  std::vector<Type> value_types_;
  std::vector<KeyPart> key_parts_;
  std::vector<Type> key_types_;  // per key part, worked out once: they are read per row
  std::vector<KeyOrder> key_orders_;
  std::vector<bool> needed_;  // empty: all columns
  bool key_needed_ = true;    // some primary-key column is read
};

// Decodes primary-key bytes into the key column values (the hidden row id as a BIGINT).
Result<std::vector<Value>> DecodePrimaryKey(const TableDef& table, std::string_view pk_bytes);

struct IndexEntry {
  std::string key;
  std::string value;
};
// The entry of `index` for a row with primary-key bytes pk_bytes.
IndexEntry EncodeIndexEntry(const IndexDef& index, const TableDef& table,
                            std::span<const Value> row, std::string_view pk_bytes);
// The primary-key bytes an index entry points at. Corruption for malformed bytes.
Result<std::string> IndexEntryPrimaryKey(const IndexDef& index, const TableDef& table,
                                         std::string_view key, std::string_view value);

}  // namespace blockdb::sql
