#include "engine/write_batch.h"

#include "common/check.h"
#include "common/coding.h"
#include "common/key_coding.h"

namespace blockdb {

void WriteBatch::Insert(std::string_view key, std::string_view value) {
  entries_.push_back(Entry{std::string(key), std::string(value)});
  byte_size_ += key.size() + value.size();
}

void WriteBatch::InsertWithRowId(std::string_view key, std::string_view value, RowIdSlot slot) {
  entries_.push_back(Entry{std::string(key), std::string(value), true, slot});
  byte_size_ += key.size() + value.size();
  row_id_entries_++;
}

Status WriteBatch::CheckRowIdSlots() const {
  if (row_id_entries_ == 0) return Status::OK();
  auto fits = [](uint32_t offset, const std::string& bytes) {
    return offset == kNoRowIdSlot || size_t{offset} + kRowIdSize <= bytes.size();
  };
  for (const Entry& e : entries_) {
    if (!e.has_row_id) continue;
    if (e.slot.ordinal >= kMaxRowIdsPerBatch) {
      return Status::InvalidArgument("row id ordinal " + std::to_string(e.slot.ordinal) +
                                     " exceeds the limit of rows per batch");
    }
    if (!fits(e.slot.key_offset, e.key) || !fits(e.slot.value_offset, e.value)) {
      return Status::InvalidArgument("row id placeholder outside its key or value");
    }
  }
  return Status::OK();
}

void WriteBatch::AssignRowIds(uint64_t log_index) {
  if (row_id_entries_ == 0) return;
  std::string id;
  for (Entry& e : entries_) {
    if (!e.has_row_id) continue;
    id.clear();
    AppendKeyInt64(&id, static_cast<int64_t>(RowIdAt(log_index, e.slot.ordinal)));
    BLOCKDB_CHECK(id.size() == kRowIdSize);
    if (e.slot.key_offset != kNoRowIdSlot) e.key.replace(e.slot.key_offset, kRowIdSize, id);
    if (e.slot.value_offset != kNoRowIdSlot) e.value.replace(e.slot.value_offset, kRowIdSize, id);
  }
}

void WriteBatch::Clear() {
  entries_.clear();
  byte_size_ = 0;
  row_id_entries_ = 0;
  txn_id_ = 0;
  timestamp_micros_ = 0;
}

void EncodeWriteBatch(const WriteBatch& batch, std::string* dst) {
  EncodeWriteBatch(batch, batch.timestamp_micros(), dst);
}

void EncodeWriteBatch(const WriteBatch& batch, int64_t timestamp_micros, std::string* dst) {
  const bool row_ids = batch.has_row_ids();
  dst->reserve(dst->size() + 18 + batch.ByteSize() + (row_ids ? 12 : 6) * batch.Count());
  dst->push_back(
      static_cast<char>(row_ids ? kWriteBatchRowIdFormatVersion : kWriteBatchFormatVersion));
  PutFixed64(dst, batch.txn_id());
  PutFixed64(dst, static_cast<uint64_t>(timestamp_micros));
  PutVarint32(dst, static_cast<uint32_t>(batch.Count()));
  // Offsets and ordinals are written plus one, so that 0 means "none".
  auto put_offset = [dst](uint32_t offset) {
    PutVarint32(dst, offset == kNoRowIdSlot ? 0 : offset + 1);
  };
  for (const WriteBatch::Entry& entry : batch.entries()) {
    PutLengthPrefixed(dst, entry.key);
    PutLengthPrefixed(dst, entry.value);
    if (!row_ids) continue;
    if (!entry.has_row_id) {
      PutVarint32(dst, 0);
      continue;
    }
    PutVarint32(dst, entry.slot.ordinal + 1);
    put_offset(entry.slot.key_offset);
    put_offset(entry.slot.value_offset);
  }
}

namespace {

Status BadBatch(std::string_view what) {
  return Status::Corruption("write batch: " + std::string(what));
}

Status DecodeHeader(std::string_view* in, uint8_t* version, uint64_t* txn_id, int64_t* timestamp) {
  if (in->empty()) {
    return BadBatch("empty payload");
  }
  *version = static_cast<uint8_t>(in->front());
  if (*version != kWriteBatchFormatVersion && *version != kWriteBatchRowIdFormatVersion) {
    return BadBatch("unknown version " + std::to_string(*version));
  }
  in->remove_prefix(1);
  uint64_t ts = 0;
  if (!GetFixed64(in, txn_id) || !GetFixed64(in, &ts)) {
    return BadBatch("truncated header");
  }
  *timestamp = static_cast<int64_t>(ts);
  return Status::OK();
}

}  // namespace

Status DecodeWriteBatch(std::string_view payload, WriteBatch* batch) {
  batch->Clear();
  uint8_t version = 0;
  uint64_t txn_id = 0;
  int64_t timestamp = 0;
  RETURN_IF_ERROR(DecodeHeader(&payload, &version, &txn_id, &timestamp));
  uint32_t count = 0;
  if (!GetVarint32(&payload, &count)) {
    return BadBatch("bad entry count");
  }
  // Each entry takes at least two bytes, which bounds count before anything is allocated.
  if (count > payload.size() / 2) {
    return BadBatch("entry count " + std::to_string(count) + " exceeds payload");
  }
  for (uint32_t i = 0; i < count; ++i) {
    std::string_view key;
    std::string_view value;
    if (!GetLengthPrefixed(&payload, &key) || !GetLengthPrefixed(&payload, &value)) {
      return BadBatch("truncated entry " + std::to_string(i));
    }
    if (version == kWriteBatchFormatVersion) {
      batch->Insert(key, value);
      continue;
    }
    uint32_t ordinal = 0;
    if (!GetVarint32(&payload, &ordinal)) {
      return BadBatch("truncated row id slot of entry " + std::to_string(i));
    }
    if (ordinal == 0) {
      batch->Insert(key, value);
      continue;
    }
    uint32_t key_offset = 0;
    uint32_t value_offset = 0;
    if (!GetVarint32(&payload, &key_offset) || !GetVarint32(&payload, &value_offset)) {
      return BadBatch("truncated row id slot of entry " + std::to_string(i));
    }
    // The "plus one" of the encoding; 0 becomes kNoRowIdSlot (UINT32_MAX) by wrapping.
    batch->InsertWithRowId(key, value, {ordinal - 1, key_offset - 1, value_offset - 1});
  }
  if (!payload.empty()) {
    return BadBatch(std::to_string(payload.size()) + " trailing bytes");
  }
  batch->set_txn_id(txn_id);
  batch->set_timestamp_micros(timestamp);
  return Status::OK();
}

void EncodeSeal(int64_t timestamp_micros, std::string* dst) {
  // Seals keep version 1 whatever the batch version.
  dst->push_back(static_cast<char>(kWriteBatchFormatVersion));
  PutFixed64(dst, static_cast<uint64_t>(timestamp_micros));
}

Status DecodeSeal(std::string_view payload, int64_t* timestamp_micros) {
  if (payload.size() != 9 || static_cast<uint8_t>(payload[0]) != kWriteBatchFormatVersion) {
    return Status::Corruption("seal command: bad payload of " + std::to_string(payload.size()) +
                              " bytes");
  }
  *timestamp_micros = static_cast<int64_t>(DecodeFixed64(payload.data() + 1));
  return Status::OK();
}

}  // namespace blockdb
