#include "sql/storage/table_reader.h"

#include "common/key_coding.h"
#include "sql/storage/table_codec.h"

namespace blockdb::sql {

TableReader::TableReader(DB* db, std::shared_ptr<const TableDef> table, uint64_t snapshot)
    : db_(db), table_(std::move(table)), snapshot_(snapshot) {}

Result<std::optional<std::vector<Value>>> TableReader::Get(std::span<const Value> key) {
  std::vector<KeyPart> parts = RowKeyParts(*table_);
  if (key.size() != parts.size()) {
    return Status::InvalidArgument("point lookup needs all " + std::to_string(parts.size()) +
                                   " primary-key columns");
  }
  std::string pk;
  RETURN_IF_ERROR(AppendKeyValues(*table_, parts, key, &pk));
  std::string value;
  Status s = db_->Get(RelationKeyPrefix(table_->id) + pk, &value, snapshot_);
  if (s.IsNotFound()) {
    return std::optional<std::vector<Value>>();
  }
  RETURN_IF_ERROR(s);
  ASSIGN_OR_RETURN(std::vector<Value> row, DecodeTableRow(*table_, pk, value));
  return std::optional<std::vector<Value>>(std::move(row));
}

Result<std::pair<std::string, std::string>> TableReader::RangeOf(uint64_t relation_id,
                                                                 std::span<const KeyPart> parts,
                                                                 const KeyBound& lower,
                                                                 const KeyBound& upper) const {
  const std::string prefix = RelationKeyPrefix(relation_id);
  std::string begin = prefix;
  RETURN_IF_ERROR(AppendKeyValues(*table_, parts, lower.values, &begin));
  if (!lower.values.empty() && !lower.inclusive) {
    begin = KeyPrefixEnd(begin);
  }
  std::string end = prefix;
  RETURN_IF_ERROR(AppendKeyValues(*table_, parts, upper.values, &end));
  if (upper.values.empty() || upper.inclusive) {
    end = KeyPrefixEnd(end);
  }
  return std::make_pair(std::move(begin), std::move(end));
}

Result<std::pair<std::string, std::string>> TableReader::PrimaryKeyRange(
    const KeyBound& lower, const KeyBound& upper) const {
  std::vector<KeyPart> parts = RowKeyParts(*table_);
  return RangeOf(table_->id, parts, lower, upper);
}

Result<std::pair<std::string, std::string>> TableReader::IndexKeyRange(
    const IndexDef& index, const KeyBound& lower, const KeyBound& upper) const {
  return RangeOf(index.id, index.columns, lower, upper);
}

Status TableReader::ScanRange(
    const std::string& begin, const std::string& end,
    const std::function<Result<bool>(std::string_view, std::string_view)>& visit) {
  std::unique_ptr<Iterator> it = db_->NewIterator(snapshot_);
  // KeyPrefixEnd gives "" only for an all-0xff prefix, which no relation prefix is.
  for (it->Seek(begin); it->Valid() && it->key() < end; it->Next()) {
    ASSIGN_OR_RETURN(bool more, visit(it->key(), it->value()));
    if (!more) {
      return Status::OK();
    }
  }
  return it->status();
}

Status TableReader::Scan(const KeyBound& lower, const KeyBound& upper, const RowVisitor& visit) {
  std::vector<KeyPart> parts = RowKeyParts(*table_);
  ASSIGN_OR_RETURN(auto range, RangeOf(table_->id, parts, lower, upper));
  const size_t prefix_size = RelationKeyPrefix(table_->id).size();
  return ScanRange(range.first, range.second,
                   [&](std::string_view key, std::string_view value) -> Result<bool> {
                     ASSIGN_OR_RETURN(std::vector<Value> row,
                                      DecodeTableRow(*table_, key.substr(prefix_size), value));
                     return visit(std::move(row));
                   });
}

Status TableReader::ScanPrefix(std::span<const Value> prefix, const RowVisitor& visit) {
  KeyBound bound{std::vector<Value>(prefix.begin(), prefix.end()), true};
  return Scan(bound, bound, visit);
}

Status TableReader::ScanIndexKeys(const IndexDef& index, const KeyBound& lower,
                                  const KeyBound& upper,
                                  const std::function<bool(std::string_view)>& visit) {
  if (index.table_id != table_->id) {
    return Status::InvalidArgument("index " + index.name + " is not an index of " + table_->name);
  }
  ASSIGN_OR_RETURN(auto range, RangeOf(index.id, index.columns, lower, upper));
  return ScanRange(
      range.first, range.second, [&](std::string_view key, std::string_view value) -> Result<bool> {
        ASSIGN_OR_RETURN(std::string pk, IndexEntryPrimaryKey(index, *table_, key, value));
        return visit(pk);
      });
}

Status TableReader::ScanIndex(const IndexDef& index, const KeyBound& lower, const KeyBound& upper,
                              const RowVisitor& visit) {
  const std::string prefix = RelationKeyPrefix(table_->id);
  Status row_status;
  std::string value;
  RETURN_IF_ERROR(ScanIndexKeys(index, lower, upper, [&](std::string_view pk) {
    row_status = db_->Get(prefix + std::string(pk), &value, snapshot_);
    if (row_status.IsNotFound()) {
      row_status = Status::Corruption("entry of index " + index.name + " points at no row");
    }
    if (!row_status.ok()) {
      return false;
    }
    Result<std::vector<Value>> row = DecodeTableRow(*table_, pk, value);
    if (!row.ok()) {
      row_status = row.TakeStatus();
      return false;
    }
    return visit(std::move(row).value());
  }));
  return row_status;
}

}  // namespace blockdb::sql
