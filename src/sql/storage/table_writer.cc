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
    : db_(db), row_ids_(row_ids) {
  AddTarget(std::move(table), std::move(indexes));
}

size_t TableWriter::AddTarget(std::shared_ptr<const TableDef> table,
                              std::vector<std::shared_ptr<const IndexDef>> indexes) {
  BLOCKDB_CHECK(!table->has_hidden_row_id() || row_ids_ != nullptr);
  targets_.push_back(Target{std::move(table), std::move(indexes), {}});
  return targets_.size() - 1;
}

void TableWriter::SetIndexes(size_t target, std::vector<std::shared_ptr<const IndexDef>> indexes) {
  targets_.at(target).indexes = std::move(indexes);
}

std::optional<size_t> TableWriter::FindTarget(uint64_t table_id) const {
  for (size_t i = 0; i < targets_.size(); ++i) {
    if (targets_[i].table->id == table_id) return i;
  }
  return std::nullopt;
}

size_t TableWriter::pending() const {
  size_t n = 0;
  for (const Target& t : targets_) n += t.rows.size();
  return n;
}

Status TableWriter::Add(size_t target, std::vector<Value> row) {
  const TableDef& table = *targets_.at(target).table;
  if (row.size() != table.columns.size()) {
    return Status::InvalidArgument("row of " + std::to_string(row.size()) + " values for " +
                                   std::to_string(table.columns.size()) + " columns");
  }
  for (size_t i = 0; i < row.size(); ++i) {
    const ColumnSchema& c = table.columns[i];
    if (row[i].is_null()) {
      if (c.not_null) {
        return Status::InvalidArgument("null value in column \"" + c.name + "\" of relation \"" +
                                       table.name + "\" violates not-null constraint")
            .WithSqlState(kSqlStateNotNullViolation);
      }
      row[i] = Value::Null(c.type.id());
    } else if (row[i].type() != c.type.id()) {
      return DatatypeMismatch("column \"" + c.name + "\" is of type " + c.type.Name() +
                              " but the value is of type " +
                              std::string(TypeIdName(row[i].type())));
    } else if (row[i].type() == TypeId::kText || row[i].type() == TypeId::kVarchar ||
               row[i].type() == TypeId::kBytea || row[i].type() == TypeId::kJsonb ||
               row[i].type() == TypeId::kJson) {
      pending_bytes_ += row[i].bytes().size();
    }
  }
  pending_bytes_ += 8 * row.size();
  targets_[target].rows.push_back(std::move(row));
  return Status::OK();
}

void TableWriter::BuildBatch(const std::vector<uint64_t>& first_row_ids, WriteBatch* batch,
                             std::vector<Origin>* origins) const {
  for (size_t t = 0; t < targets_.size(); ++t) {
    const Target& target = targets_[t];
    const std::string prefix = RelationKeyPrefix(target.table->id);
    for (size_t r = 0; r < target.rows.size(); ++r) {
      std::string pk = PrimaryKeyBytes(*target.table, target.rows[r], first_row_ids[t] + r);
      batch->Insert(prefix + pk, EncodeRowValue(*target.table, target.rows[r]));
      origins->push_back(Origin{t, nullptr, r});
      for (const auto& index : target.indexes) {
        IndexEntry entry = EncodeIndexEntry(*index, *target.table, target.rows[r], pk);
        batch->Insert(entry.key, entry.value);
        origins->push_back(Origin{t, index.get(), r});
      }
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

Status TableWriter::UniqueViolation(const Origin& origin, std::string* detail,
                                    std::string* table_name, std::string* constraint_name) const {
  const Target& target = targets_[origin.target];
  const TableDef& table = *target.table;
  const std::vector<Value>& row = target.rows[origin.row];
  std::vector<KeyPart> parts = origin.index != nullptr ? origin.index->columns : table.primary_key;
  std::string names;
  std::string values;
  for (size_t i = 0; i < parts.size(); ++i) {
    const Value& v = row[parts[i].column];
    names += (i > 0 ? ", " : "") + table.columns[parts[i].column].name;
    values += (i > 0 ? ", " : "") + (v.is_null() ? std::string("null") : FormatValue(v));
  }
  if (detail != nullptr) {
    *detail = "Key (" + names + ")=(" + values + ") already exists.";
  }
  std::string constraint = origin.index != nullptr ? origin.index->name : table.name + "_pkey";
  if (table_name != nullptr) *table_name = table.name;
  if (constraint_name != nullptr) *constraint_name = constraint;
  return Status::DuplicateKey("duplicate key value violates unique constraint \"" + constraint +
                              "\"")
      .WithSqlState(kSqlStateUniqueViolation);
}

TableWriter::Mark TableWriter::GetMark() const {
  Mark m;
  for (const Target& t : targets_) m.rows.push_back(t.rows.size());
  m.bytes = pending_bytes_;
  return m;
}

void TableWriter::RollbackTo(const Mark& mark) {
  for (size_t t = 0; t < targets_.size(); ++t) {
    targets_[t].rows.resize(t < mark.rows.size() ? mark.rows[t] : 0);
  }
  pending_bytes_ = mark.bytes;
}

const std::vector<std::vector<Value>>* TableWriter::PendingRows(uint64_t table_id) const {
  std::optional<size_t> t = FindTarget(table_id);
  if (!t || targets_[*t].rows.empty()) return nullptr;
  return &targets_[*t].rows;
}

Status TableWriter::CheckUnique(std::string* detail, std::string* table,
                                std::string* constraint) const {
  // Placeholder row ids: hidden-row-id rows cannot conflict with each other or with stored
  // rows (whose ids are at least 1 << 20), so only real keys can be reported.
  std::vector<uint64_t> first_row_ids(targets_.size(), 0);
  WriteBatch batch;
  std::vector<Origin> origins;
  BuildBatch(first_row_ids, &batch, &origins);
  ASSIGN_OR_RETURN(std::optional<size_t> conflict, FindConflict(batch));
  if (!conflict) return Status::OK();
  return UniqueViolation(origins[*conflict], detail, table, constraint);
}

Result<uint64_t> TableWriter::Commit(std::string* detail, std::string* table,
                                     std::string* constraint) {
  for (int attempt = 0; attempt < kMaxRowIdAttempts; ++attempt) {
    std::vector<uint64_t> first_row_ids(targets_.size(), 0);
    for (size_t t = 0; t < targets_.size(); ++t) {
      if (targets_[t].table->has_hidden_row_id() && !targets_[t].rows.empty()) {
        first_row_ids[t] = row_ids_->Allocate(targets_[t].table->id, targets_[t].rows.size(),
                                              db_->AppliedIndex());
      }
    }
    WriteBatch batch;
    std::vector<Origin> origins;
    BuildBatch(first_row_ids, &batch, &origins);
    Result<uint64_t> written = db_->Write(batch);
    if (written.ok()) {
      for (Target& t : targets_) t.rows.clear();
      pending_bytes_ = 0;
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
    if (origin.index != nullptr || !targets_[origin.target].table->has_hidden_row_id()) {
      return UniqueViolation(origin, detail, table, constraint);
    }
    // A hidden row id met a row written by another process: take fresh ids.
  }
  return Status::Busy("could not allocate hidden row ids");
}

Status TableWriter::DropConflictingRows() {
  std::set<std::string> seen;
  std::string value;
  for (Target& target : targets_) {
    const TableDef& table = *target.table;
    const std::string prefix = RelationKeyPrefix(table.id);
    std::vector<std::vector<Value>> kept;
    for (auto& row : target.rows) {
      // The keys that can conflict: the primary key and unique index entries (not a hidden
      // row id, which is fresh).
      std::vector<std::string> keys;
      std::string pk = PrimaryKeyBytes(table, row, 0);
      if (!table.has_hidden_row_id()) keys.push_back(prefix + pk);
      for (const auto& index : target.indexes) {
        bool any_null = false;
        for (const KeyPart& part : index->columns) any_null = any_null || row[part.column].is_null();
        if (index->unique && !any_null) {
          keys.push_back(EncodeIndexEntry(*index, table, row, pk).key);
        }
      }
      bool conflict = false;
      for (const std::string& k : keys) {
        if (seen.count(k) > 0) {
          conflict = true;
          break;
        }
        Status s = db_->Get(k, &value);
        if (s.ok()) {
          conflict = true;
          break;
        }
        if (!s.IsNotFound()) return s;
      }
      if (conflict) continue;
      for (std::string& k : keys) seen.insert(std::move(k));
      kept.push_back(std::move(row));
    }
    target.rows = std::move(kept);
  }
  return Status::OK();
}

Result<size_t> TableWriter::CommitSkippingConflicts(std::vector<std::vector<Value>>* written_rows) {
  for (int attempt = 0; attempt < kMaxRowIdAttempts; ++attempt) {
    RETURN_IF_ERROR(DropConflictingRows());
    size_t n = pending();
    if (n == 0) return size_t{0};
    std::vector<std::vector<Value>> copies;
    if (written_rows != nullptr) {
      for (const Target& t : targets_) copies.insert(copies.end(), t.rows.begin(), t.rows.end());
    }
    Result<uint64_t> written = Commit();
    if (written.ok()) {
      if (written_rows != nullptr) *written_rows = std::move(copies);
      return n;
    }
    if (written.status().sqlstate() != kSqlStateUniqueViolation) return written.TakeStatus();
    // A concurrent writer took one of the keys after the check: check again.
  }
  return Status::Busy("too many concurrent conflicts for ON CONFLICT DO NOTHING")
      .WithSqlState("40001");
}

}  // namespace blockdb::sql
