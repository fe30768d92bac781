#include "sql/storage/table_writer.h"

#include <algorithm>
#include <set>

#include "common/check.h"
#include "sql/storage/table_codec.h"
#include "sql/types/errors.h"

namespace blockdb::sql {
namespace {

// Row ids per log index that RowIdAllocator reserves (see table_writer.h).
constexpr int kRowIdShift = 20;
// Attempts at a batch whose hidden row ids collided with existing rows.
constexpr int kMaxRowIdAttempts = 8;

}  // namespace

uint64_t RowIdAllocator::Allocate(uint64_t table_id, uint64_t count, uint64_t applied_index) {
  std::lock_guard lock(mu_);
  uint64_t& next = next_[table_id];
  uint64_t first = std::max(next, (applied_index + 1) << kRowIdShift);
  next = first + count;
  return first;
}

TableWriter::TableWriter(DB* db, std::shared_ptr<const TableDef> table,
                         std::vector<std::shared_ptr<const IndexDef>> indexes,
                         RowIdAllocator* row_ids)
    : db_(db), table_(std::move(table)), indexes_(std::move(indexes)), row_ids_(row_ids) {
  BLOCKDB_CHECK(!table_->has_hidden_row_id() || row_ids_ != nullptr);
}

Status TableWriter::Add(std::vector<Value> row) {
  if (row.size() != table_->columns.size()) {
    return Status::InvalidArgument("row of " + std::to_string(row.size()) + " values for " +
                                   std::to_string(table_->columns.size()) + " columns");
  }
  for (size_t i = 0; i < row.size(); ++i) {
    const ColumnSchema& c = table_->columns[i];
    if (row[i].is_null()) {
      if (c.not_null) {
        return Status::InvalidArgument("null value in column \"" + c.name + "\" of relation \"" +
                                       table_->name + "\" violates not-null constraint")
            .WithSqlState(kSqlStateNotNullViolation);
      }
      row[i] = Value::Null(c.type.id());
    } else if (row[i].type() != c.type.id()) {
      return DatatypeMismatch("column \"" + c.name + "\" is of type " + c.type.Name() +
                              " but the value is of type " +
                              std::string(TypeIdName(row[i].type())));
    }
  }
  rows_.push_back(std::move(row));
  return Status::OK();
}

void TableWriter::BuildBatch(uint64_t first_row_id, WriteBatch* batch,
                             std::vector<Origin>* origins) const {
  const std::string prefix = RelationKeyPrefix(table_->id);
  for (size_t r = 0; r < rows_.size(); ++r) {
    std::string pk = PrimaryKeyBytes(*table_, rows_[r], first_row_id + r);
    batch->Insert(prefix + pk, EncodeRowValue(*table_, rows_[r]));
    origins->push_back(Origin{nullptr, r});
    for (const auto& index : indexes_) {
      IndexEntry entry = EncodeIndexEntry(*index, *table_, rows_[r], pk);
      batch->Insert(entry.key, entry.value);
      origins->push_back(Origin{index.get(), r});
    }
  }
}

Result<std::optional<size_t>> TableWriter::FindConflict(const WriteBatch& batch) const {
  std::set<std::string_view> seen;
  const auto& entries = batch.entries();
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!seen.insert(entries[i].key).second) {
      return std::optional<size_t>(i);
    }
  }
  // The engine's message names the key, but only in a printable form; probing the batch's keys
  // is exact and costs nothing on the success path.
  std::string value;
  for (size_t i = 0; i < entries.size(); ++i) {
    Status s = db_->Get(entries[i].key, &value);
    if (s.ok()) {
      return std::optional<size_t>(i);
    }
    if (!s.IsNotFound()) {
      return s;
    }
  }
  return std::optional<size_t>();
}

Status TableWriter::UniqueViolation(const Origin& origin, std::string* detail) const {
  const std::vector<Value>& row = rows_[origin.row];
  std::vector<KeyPart> parts =
      origin.index != nullptr ? origin.index->columns : table_->primary_key;
  std::string names;
  std::string values;
  for (size_t i = 0; i < parts.size(); ++i) {
    const Value& v = row[parts[i].column];
    names += (i > 0 ? ", " : "") + table_->columns[parts[i].column].name;
    values += (i > 0 ? ", " : "") + (v.is_null() ? std::string("null") : FormatValue(v));
  }
  if (detail != nullptr) {
    *detail = "Key (" + names + ")=(" + values + ") already exists.";
  }
  std::string constraint = origin.index != nullptr ? origin.index->name : table_->name + "_pkey";
  return Status::DuplicateKey("duplicate key value violates unique constraint \"" + constraint +
                              "\"")
      .WithSqlState(kSqlStateUniqueViolation);
}

Result<uint64_t> TableWriter::Commit(std::string* detail) {
  for (int attempt = 0; attempt < kMaxRowIdAttempts; ++attempt) {
    uint64_t first_row_id = 0;
    if (table_->has_hidden_row_id()) {
      first_row_id = row_ids_->Allocate(table_->id, rows_.size(), db_->AppliedIndex());
    }
    WriteBatch batch;
    std::vector<Origin> origins;
    BuildBatch(first_row_id, &batch, &origins);
    Result<uint64_t> written = db_->Write(batch);
    if (written.ok()) {
      rows_.clear();
      return written;
    }
    if (!written.status().IsDuplicateKey()) {
      return written.TakeStatus();
    }
    ASSIGN_OR_RETURN(std::optional<size_t> conflict, FindConflict(batch));
    if (!conflict) {
      return written.TakeStatus();
    }
    const Origin& origin = origins[*conflict];
    if (origin.index != nullptr || !table_->has_hidden_row_id()) {
      return UniqueViolation(origin, detail);
    }
    // A hidden row id met a row written by another process: take fresh ids.
  }
  return Status::Busy("could not allocate hidden row ids for \"" + table_->name + "\"");
}

}  // namespace blockdb::sql
