#include "sql/storage/table_writer.h"

#include <algorithm>
#include <set>

#include "common/check.h"
#include "sql/storage/table_codec.h"
#include "sql/types/errors.h"

namespace blockdb::sql {
namespace {

// Whether `index`'s entry for `row` ends its key with the primary-key bytes (table_codec.h).
bool IndexKeyHasPrimaryKey(const IndexDef& index, const std::vector<Value>& row) {
  if (!index.unique) return true;
  for (const KeyPart& p : index.columns) {
    if (row[p.column].is_null()) return true;
  }
  return false;
}

}  // namespace

TableWriter::TableWriter(DB* db, std::shared_ptr<const TableDef> table,
                         std::vector<std::shared_ptr<const IndexDef>> indexes)
    : db_(db) {
  AddTarget(std::move(table), std::move(indexes));
}

size_t TableWriter::AddTarget(std::shared_ptr<const TableDef> table,
                              std::vector<std::shared_ptr<const IndexDef>> indexes) {
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

void TableWriter::BuildBatch(bool stand_in_row_ids, WriteBatch* batch,
                             std::vector<Origin>* origins) const {
  uint32_t ordinal = 0;  // of the hidden-row-id rows in the batch
  for (size_t t = 0; t < targets_.size(); ++t) {
    const Target& target = targets_[t];
    const bool hidden = target.table->has_hidden_row_id();
    const std::string prefix = RelationKeyPrefix(target.table->id);
    for (size_t r = 0; r < target.rows.size(); ++r) {
      // For a hidden row id, pk is the placeholder: a BIGINT key column, kRowIdSize bytes.
      std::string pk = PrimaryKeyBytes(*target.table, target.rows[r], stand_in_row_ids ? r : 0);
      if (!hidden || stand_in_row_ids) {
        batch->Insert(prefix + pk, EncodeRowValue(*target.table, target.rows[r]));
      } else {
        batch->InsertWithRowId(prefix + pk, EncodeRowValue(*target.table, target.rows[r]),
                               {ordinal, static_cast<uint32_t>(prefix.size()), kNoRowIdSlot});
      }
      origins->push_back(Origin{t, nullptr, r});
      for (const auto& index : target.indexes) {
        IndexEntry entry = EncodeIndexEntry(*index, *target.table, target.rows[r], pk);
        if (!hidden || stand_in_row_ids) {
          batch->Insert(entry.key, entry.value);
        } else {
          WriteBatch::RowIdSlot slot{ordinal, kNoRowIdSlot, kNoRowIdSlot};
          // The primary-key bytes end a non-unique entry's key (and a unique entry's when an
          // indexed value is NULL) and are a unique entry's whole value (table_codec.h).
          if (IndexKeyHasPrimaryKey(*index, target.rows[r])) {
            slot.key_offset = static_cast<uint32_t>(entry.key.size() - pk.size());
          }
          if (index->unique) slot.value_offset = 0;
          batch->InsertWithRowId(entry.key, entry.value, slot);
        }
        origins->push_back(Origin{t, index.get(), r});
      }
      if (hidden) ordinal++;
    }
  }
}

Result<std::optional<size_t>> TableWriter::FindConflict(const WriteBatch& batch) const {
  std::set<std::string_view> seen;
  const auto& entries = batch.entries();
  // Keys with a row-id placeholder are new by construction and skipped.
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!entries[i].has_row_id && !seen.insert(entries[i].key).second) {
      return std::optional<size_t>(i);
    }
  }
  // The engine's message names the key, but only in a printable form; probing the batch's keys
  // is exact and costs nothing on the success path.
  std::string value;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].has_row_id) continue;
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
  // Stand-in row ids: hidden-row-id rows cannot conflict with each other or with stored rows
  // (whose ids are at least 1 << kRowIdShift), so only real keys can be reported.
  WriteBatch batch;
  std::vector<Origin> origins;
  BuildBatch(/*stand_in_row_ids=*/true, &batch, &origins);
  ASSIGN_OR_RETURN(std::optional<size_t> conflict, FindConflict(batch));
  if (!conflict) return Status::OK();
  return UniqueViolation(origins[*conflict], detail, table, constraint);
}

Result<uint64_t> TableWriter::Commit(std::string* detail, std::string* table,
                                     std::string* constraint) {
  WriteBatch batch;
  std::vector<Origin> origins;
  BuildBatch(/*stand_in_row_ids=*/false, &batch, &origins);
  batch.set_txn_id(txn_id_);
  Result<uint64_t> written = db_->Write(batch);
  if (written.ok()) {
    for (Target& t : targets_) t.rows.clear();
    pending_bytes_ = 0;
    return written;
  }
  if (written.status().IsInvalidArgument()) {
    // The engine refused the batch before logging it: a key or the whole batch is over its
    // limits (docs/format/write_batch.md). Nothing was written; the statement is too large.
    return Status::InvalidArgument(written.status().message() +
                                   "; insert fewer or smaller rows per statement")
        .WithSqlState("54000");
  }
  if (!written.status().IsDuplicateKey()) {
    return written.TakeStatus();
  }
  // Only real keys can conflict: a hidden row id is new by construction.
  ASSIGN_OR_RETURN(std::optional<size_t> conflict, FindConflict(batch));
  if (!conflict) {
    return written.TakeStatus();
  }
  return UniqueViolation(origins[*conflict], detail, table, constraint);
}

Status TableWriter::DropConflictingRows(const ConflictArbiter* arbiter, bool* other_conflict) {
  *other_conflict = false;
  std::set<std::string> seen;
  std::string value;
  for (Target& target : targets_) {
    const TableDef& table = *target.table;
    const std::string prefix = RelationKeyPrefix(table.id);
    std::vector<std::vector<Value>> kept;
    for (auto& row : target.rows) {
      // The keys that can conflict: the primary key and unique index entries (not a hidden
      // row id, which is fresh), each marked when it belongs to the arbiter (every one without).
      std::vector<std::pair<std::string, bool>> keys;
      std::string pk = PrimaryKeyBytes(table, row, 0);
      if (!table.has_hidden_row_id()) {
        keys.emplace_back(prefix + pk, arbiter == nullptr || arbiter->primary_key);
      }
      for (const auto& index : target.indexes) {
        bool any_null = false;
        for (const KeyPart& part : index->columns) any_null = any_null || row[part.column].is_null();
        if (index->unique && !any_null) {
          keys.emplace_back(
              EncodeIndexEntry(*index, table, row, pk).key,
              arbiter == nullptr || (!arbiter->primary_key && arbiter->index_id == index->id));
        }
      }
      auto conflicts = [&](const std::string& k) -> Result<bool> {
        if (seen.count(k) > 0) return true;
        Status s = db_->Get(k, &value);
        if (s.ok()) return true;
        if (!s.IsNotFound()) return s;
        return false;
      };
      // The arbiter decides first: a row it rejects is skipped whatever else it collides with.
      bool skip = false;
      for (const auto& [k, is_arbiter] : keys) {
        if (!is_arbiter) continue;
        ASSIGN_OR_RETURN(skip, conflicts(k));
        if (skip) break;
      }
      if (skip) continue;
      for (const auto& [k, is_arbiter] : keys) {
        if (is_arbiter) continue;
        ASSIGN_OR_RETURN(bool other, conflicts(k));
        *other_conflict = *other_conflict || other;
      }
      for (auto& key : keys) seen.insert(std::move(key.first));
      kept.push_back(std::move(row));
    }
    target.rows = std::move(kept);
  }
  return Status::OK();
}

Result<size_t> TableWriter::CommitSkippingConflicts(std::vector<std::vector<Value>>* written_rows,
                                                    const ConflictArbiter* arbiter,
                                                    std::string* detail, std::string* table,
                                                    std::string* constraint) {
  // Attempts at a batch whose keys other writers took between the check and the write.
  constexpr int kMaxAttempts = 8;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    bool other_conflict = false;
    RETURN_IF_ERROR(DropConflictingRows(arbiter, &other_conflict));
    size_t n = pending();
    if (n == 0) return size_t{0};
    std::vector<std::vector<Value>> copies;
    if (written_rows != nullptr) {
      for (const Target& t : targets_) copies.insert(copies.end(), t.rows.begin(), t.rows.end());
    }
    // With a conflict outside the arbiter this fails with that constraint's 23505.
    Result<uint64_t> written = Commit(detail, table, constraint);
    if (written.ok()) {
      if (written_rows != nullptr) *written_rows = std::move(copies);
      return n;
    }
    if (other_conflict || written.status().sqlstate() != kSqlStateUniqueViolation) {
      return written.TakeStatus();
    }
    // A concurrent writer took one of the keys after the check: check again.
  }
  return Status::Busy("too many concurrent conflicts for ON CONFLICT DO NOTHING")
      .WithSqlState("40001");
}

}  // namespace blockdb::sql
