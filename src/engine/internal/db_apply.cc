// The apply step: a deterministic function of (engine state, log record).
//
// Live writes (the group leader, after the group is logged) and recovery (replaying the log) both
// come here, so a record is accepted or rejected identically every time it is applied, on every
// replica. Nothing here reads a clock, a random source or local configuration: the timestamp and
// txn id travel inside the record. The memtable insertions of a record become visible together
// when the caller publishes the record's index as the applied index.

#include <unordered_set>

#include "common/check.h"
#include "engine/internal/db_impl.h"

namespace blockdb {

Status DBImpl::ApplyRecord(const LogRecord& record, const ReadView& view, Status* verdict) {
  *verdict = Status::OK();
  Status s;
  switch (record.type) {
    case kLogRecordWriteBatch:
      s = ApplyBatch(record.index, record.payload, view, verdict);
      break;
    case kLogRecordSeal:
      s = ApplySeal(record.index, record.payload, view);
      break;
    default:
      s = Status::Corruption("unknown record type " + std::to_string(record.type));
      break;
  }
  if (!s.ok()) {
    return s.Annotate("applying log index " + std::to_string(record.index));
  }
  return Status::OK();
}

Status DBImpl::ApplyBatch(uint64_t index, std::string_view payload, const ReadView& view,
                          Status* verdict) {
  WriteBatch batch;
  RETURN_IF_ERROR(DecodeWriteBatch(payload, &batch));
  // Row ids come from the record's own index, so every replay writes the same keys.
  *verdict = batch.CheckRowIdSlots();
  if (!verdict->ok()) {
    return Status::OK();
  }
  batch.AssignRowIds(index);
  RETURN_IF_ERROR(CheckBatch(batch, view, verdict));
  if (!verdict->ok()) {
    return Status::OK();  // rejected: the record keeps its index, nothing is inserted
  }
  std::vector<std::pair<std::string, std::string>> internal_writes;
  if (options_.apply_hook != nullptr) {
    RETURN_IF_ERROR(
        options_.apply_hook->OnApply(index, batch, &internal_writes).Annotate("apply hook"));
    RETURN_IF_ERROR(CheckInternalWrites(internal_writes, view));
  }
  for (const WriteBatch::Entry& e : batch.entries()) {
    view.mem->Add(e.key, index, e.value);
  }
  for (const auto& [key, value] : internal_writes) {
    view.mem->Add(key, index, value);
  }
  return Status::OK();
}

Status DBImpl::ApplySeal(uint64_t index, std::string_view payload, const ReadView& view) {
  int64_t timestamp = 0;
  RETURN_IF_ERROR(DecodeSeal(payload, &timestamp));
  if (options_.apply_hook == nullptr) {
    return Status::OK();
  }
  std::vector<std::pair<std::string, std::string>> internal_writes;
  RETURN_IF_ERROR(
      options_.apply_hook->OnSeal(index, timestamp, &internal_writes).Annotate("apply hook"));
  RETURN_IF_ERROR(CheckInternalWrites(internal_writes, view));
  for (const auto& [key, value] : internal_writes) {
    view.mem->Add(key, index, value);
  }
  return Status::OK();
}

Status DBImpl::CheckBatch(const WriteBatch& batch, const ReadView& view, Status* verdict) {
  // The same checks DB::Write makes before logging, repeated because a record may come from
  // elsewhere (a replayed log, later a Raft leader): apply must not trust its input.
  if (batch.Count() == 0) {
    *verdict = Status::InvalidArgument("empty write batch");
    return Status::OK();
  }
  std::unordered_set<std::string_view> seen;
  for (const WriteBatch::Entry& e : batch.entries()) {
    if (IsInternalKey(e.key)) {
      *verdict = Status::InvalidArgument("key " + PrintableKey(e.key) +
                                         " starts with the reserved byte 0xff");
      return Status::OK();
    }
    if (!seen.insert(e.key).second) {
      *verdict = Status::DuplicateKey("key " + PrintableKey(e.key) + " repeats within the batch");
      return Status::OK();
    }
  }
  for (const WriteBatch::Entry& e : batch.entries()) {
    bool exists = false;
    RETURN_IF_ERROR(KeyExists(view, e.key, &exists));
    if (exists) {
      *verdict = Status::DuplicateKey("key " + PrintableKey(e.key) + " already exists");
      return Status::OK();
    }
  }
  return Status::OK();
}

Status DBImpl::CheckInternalWrites(const std::vector<std::pair<std::string, std::string>>& writes,
                                   const ReadView& view) {
  // Internal keys are new by the hook's construction (the ledger's are indexed by strictly
  // increasing leaf and block numbers, or by a row key the batch just inserted), so this guards
  // against a hook bug, not against input. Only the memtables are consulted: a repeated key there
  // would break the skiplist's one-version invariant, while a full lookup through the SSTables
  // cost 12% of the write path's time (docs/PERFORMANCE.md) for no further protection of data.
  std::unordered_set<std::string_view> seen;
  for (const auto& [key, value] : writes) {
    bool exists = false;
    if (IsInternalKey(key)) {
      exists = view.mem->Contains(key) || (view.imm != nullptr && view.imm->Contains(key));
    }
    if (!IsInternalKey(key) || exists || !seen.insert(key).second) {
      return Status::InvalidArgument("apply hook returned internal key " + PrintableKey(key) +
                                     " that lacks the 0xff prefix, exists already or repeats");
    }
  }
  return Status::OK();
}

Status DBImpl::KeyExists(const ReadView& view, std::string_view key, bool* exists) {
  if (view.mem->Contains(key) || (view.imm != nullptr && view.imm->Contains(key))) {
    *exists = true;
    return Status::OK();
  }
  std::string engine_value;
  Status s = view.version->Get(key, &engine_value);
  if (s.IsNotFound()) {
    *exists = false;
    return Status::OK();
  }
  RETURN_IF_ERROR(s);
  *exists = true;
  return Status::OK();
}

}  // namespace blockdb
