#include "sql/storage/table_codec.h"

#include "common/check.h"
#include "common/coding.h"
#include "sql/types/errors.h"
#include "sql/types/key_codec.h"
#include "sql/types/numeric.h"
#include "sql/types/row_codec.h"

namespace blockdb::sql {
namespace {

KeyOrder OrderOf(const KeyPart& part) {
  return part.descending ? KeyOrder::Descending() : KeyOrder::Ascending();
}

// Positions of the columns stored in the row value, in column order.
std::vector<uint32_t> ValueColumns(const TableDef& table) {
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < table.columns.size(); ++i) {
    if (table.StoredInRowValue(i)) {
      out.push_back(i);
    }
  }
  return out;
}

// Puts key column `key` (decoded from the row key) into *slot. A key column the row value holds
// too is already in *slot with its display scale; it must equal the key (Corruption otherwise).
// `decoded`: whether the row value's copy was decoded into *slot.
Status PlaceKeyColumn(const TableDef& table, uint32_t column, bool decoded, Value key,
                      Value* slot) {
  if (!decoded || !table.StoredInRowValue(column)) {
    *slot = std::move(key);
    return Status::OK();
  }
  if (slot->is_null() || slot->type() != TypeId::kNumeric ||
      NumericCompare(slot->numeric_value(), key.numeric_value()) != 0) {
    return Status::Corruption("row value of " + table.name + " disagrees with its key in column " +
                              table.columns[column].name);
  }
  return Status::OK();
}

std::vector<Type> TypesOf(const TableDef& table, const std::vector<uint32_t>& columns) {
  std::vector<Type> types;
  for (uint32_t c : columns) {
    types.push_back(table.columns[c].type);
  }
  return types;
}

Status DecodeKeyParts(const TableDef& table, std::span<const KeyPart> parts, KeyDecoder* decoder,
                      std::vector<Value>* out) {
  for (const KeyPart& p : parts) {
    ASSIGN_OR_RETURN(Value v, DecodeKeyColumn(decoder, KeyPartType(table, p), OrderOf(p)));
    out->push_back(std::move(v));
  }
  return Status::OK();
}

}  // namespace

std::string RelationKeyPrefix(uint64_t relation_id) {
  std::string key;
  PutVarint64(&key, relation_id);
  return key;
}

std::vector<KeyPart> RowKeyParts(const TableDef& table) {
  if (table.has_hidden_row_id()) {
    return {KeyPart{kHiddenRowIdColumn, false}};
  }
  return table.primary_key;
}

Type KeyPartType(const TableDef& table, const KeyPart& part) {
  return part.column == kHiddenRowIdColumn ? Type::Of(TypeId::kInt8)
                                           : table.columns[part.column].type;
}

Status AppendKeyValues(const TableDef& table, std::span<const KeyPart> parts,
                       std::span<const Value> values, std::string* dst) {
  if (values.size() > parts.size()) {
    return Status::InvalidArgument("more key values than key columns");
  }
  for (size_t i = 0; i < values.size(); ++i) {
    Type type = KeyPartType(table, parts[i]);
    RETURN_IF_ERROR(CheckKeyType(type));
    if (!values[i].is_null() && values[i].type() != type.id()) {
      return DatatypeMismatch("key value of type " + std::string(TypeIdName(values[i].type())) +
                              " for a column of type " + type.Name());
    }
    AppendKeyColumn(dst, type, values[i], OrderOf(parts[i]));
  }
  return Status::OK();
}

std::string PrimaryKeyBytes(const TableDef& table, std::span<const Value> row, uint64_t row_id) {
  std::string out;
  if (table.has_hidden_row_id()) {
    AppendKeyInt64(&out, static_cast<int64_t>(row_id));
    return out;
  }
  for (const KeyPart& p : table.primary_key) {
    AppendKeyColumn(&out, table.columns[p.column].type, row[p.column], OrderOf(p));
  }
  return out;
}

std::string EncodeRowValue(const TableDef& table, std::span<const Value> row) {
  BLOCKDB_CHECK(row.size() == table.columns.size());
  std::vector<uint32_t> columns = ValueColumns(table);
  std::vector<Value> values;
  for (uint32_t c : columns) {
    values.push_back(row[c]);
  }
  std::vector<Type> types = TypesOf(table, columns);
  std::string out;
  EncodeRow(table.schema_version, types, values, &out);
  return out;
}

Result<std::vector<Value>> DecodePrimaryKey(const TableDef& table, std::string_view pk_bytes) {
  KeyDecoder decoder(pk_bytes);
  std::vector<Value> out;
  std::vector<KeyPart> parts = RowKeyParts(table);
  RETURN_IF_ERROR(DecodeKeyParts(table, parts, &decoder, &out));
  if (!decoder.done()) {
    return Status::Corruption("trailing bytes after the primary key of a row of " + table.name);
  }
  return out;
}

Result<std::vector<Value>> DecodeTableRow(const TableDef& table, std::string_view pk_bytes,
                                          std::string_view value) {
  ASSIGN_OR_RETURN(uint32_t version, DecodeRowSchemaVersion(value));
  if (version != table.schema_version) {
    return Status::NotSupported("row of " + table.name + " has schema version " +
                                std::to_string(version) + ", the table has " +
                                std::to_string(table.schema_version));
  }
  std::vector<uint32_t> columns = ValueColumns(table);
  ASSIGN_OR_RETURN(std::vector<Value> stored, DecodeRow(value, TypesOf(table, columns)));
  std::vector<Value> row(table.columns.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    row[columns[i]] = std::move(stored[i]);
  }
  if (!table.has_hidden_row_id()) {
    ASSIGN_OR_RETURN(std::vector<Value> key, DecodePrimaryKey(table, pk_bytes));
    for (size_t i = 0; i < key.size(); ++i) {
      const uint32_t c = table.primary_key[i].column;
      RETURN_IF_ERROR(PlaceKeyColumn(table, c, true, std::move(key[i]), &row[c]));
    }
  }
  return row;
}

TableRowDecoder::TableRowDecoder(const TableDef& table)
    : table_(table),
      value_columns_(ValueColumns(table)),
      value_types_(TypesOf(table, value_columns_)),
      key_parts_(table.has_hidden_row_id() ? std::vector<KeyPart>() : RowKeyParts(table)) {
  for (const KeyPart& p : key_parts_) {
    key_types_.push_back(KeyPartType(table, p));
    key_orders_.push_back(OrderOf(p));
  }
}

void TableRowDecoder::SetNeededColumns(std::vector<bool> needed) {
  needed_ = std::move(needed);
  key_needed_ = needed_.empty();
  for (const KeyPart& p : key_parts_) key_needed_ = key_needed_ || needed_[p.column];
}

Status TableRowDecoder::Decode(std::string_view pk_bytes, std::string_view value,
                               std::vector<Value>* row) const {
  ASSIGN_OR_RETURN(uint32_t version, DecodeRowSchemaVersion(value));
  if (version != table_.schema_version) {
    return Status::NotSupported("row of " + table_.name + " has schema version " +
                                std::to_string(version) + ", the table has " +
                                std::to_string(table_.schema_version));
  }
  row->resize(table_.columns.size());
  RETURN_IF_ERROR(DecodeRowInto(value, value_types_, value_columns_, row,
                                needed_.empty() ? nullptr : &needed_));
  if (!key_parts_.empty() && !key_needed_) {
    // No key column is read (a GROUP BY of other columns): they come out NULL, undecoded.
    for (const KeyPart& p : key_parts_) {
      Value& slot = (*row)[p.column];
      if (!slot.is_null()) slot = Value::Null(table_.columns[p.column].type.id());
    }
  } else if (!key_parts_.empty()) {
    KeyDecoder decoder(pk_bytes);
    for (size_t i = 0; i < key_parts_.size(); ++i) {
      const KeyPart& p = key_parts_[i];
      ASSIGN_OR_RETURN(Value key, DecodeKeyColumn(&decoder, key_types_[i], key_orders_[i]));
      const bool decoded = needed_.empty() || needed_[p.column];
      RETURN_IF_ERROR(PlaceKeyColumn(table_, p.column, decoded, std::move(key), &(*row)[p.column]));
    }
    if (!decoder.done()) {
      return Status::Corruption("trailing bytes after the primary key of a row of " + table_.name);
    }
  }
  return Status::OK();
}

IndexEntry EncodeIndexEntry(const IndexDef& index, const TableDef& table,
                            std::span<const Value> row, std::string_view pk_bytes) {
  IndexEntry entry;
  entry.key = RelationKeyPrefix(index.id);
  bool any_null = false;
  for (const KeyPart& p : index.columns) {
    any_null = any_null || row[p.column].is_null();
    AppendKeyColumn(&entry.key, table.columns[p.column].type, row[p.column], OrderOf(p));
  }
  if (!index.unique || any_null) {
    entry.key.append(pk_bytes);
  }
  if (index.unique) {
    entry.value.assign(pk_bytes);
  }
  return entry;
}

Result<std::string> IndexEntryPrimaryKey(const IndexDef& index, const TableDef& table,
                                         std::string_view key, std::string_view value) {
  if (index.unique) {
    return std::string(value);
  }
  std::string_view in = key;
  uint64_t id = 0;
  if (!GetVarint64(&in, &id) || id != index.id) {
    return Status::Corruption("index entry key outside index " + index.name);
  }
  KeyDecoder decoder(in);
  std::vector<Value> ignored;
  RETURN_IF_ERROR(DecodeKeyParts(table, index.columns, &decoder, &ignored));
  if (!value.empty()) {
    return Status::Corruption("non-empty value in an entry of index " + index.name);
  }
  return std::string(decoder.remaining());
}

}  // namespace blockdb::sql
