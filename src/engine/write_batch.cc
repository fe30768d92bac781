#include "engine/write_batch.h"

#include "common/coding.h"

namespace blockdb {

void WriteBatch::Insert(std::string_view key, std::string_view value) {
  entries_.push_back(Entry{std::string(key), std::string(value)});
  byte_size_ += key.size() + value.size();
}

void WriteBatch::Clear() {
  entries_.clear();
  byte_size_ = 0;
  txn_id_ = 0;
  timestamp_micros_ = 0;
}

void EncodeWriteBatch(const WriteBatch& batch, std::string* dst) {
  EncodeWriteBatch(batch, batch.timestamp_micros(), dst);
}

void EncodeWriteBatch(const WriteBatch& batch, int64_t timestamp_micros, std::string* dst) {
  dst->reserve(dst->size() + 18 + batch.ByteSize() + 6 * batch.Count());
  dst->push_back(static_cast<char>(kWriteBatchFormatVersion));
  PutFixed64(dst, batch.txn_id());
  PutFixed64(dst, static_cast<uint64_t>(timestamp_micros));
  PutVarint32(dst, static_cast<uint32_t>(batch.Count()));
  for (const WriteBatch::Entry& entry : batch.entries()) {
    PutLengthPrefixed(dst, entry.key);
    PutLengthPrefixed(dst, entry.value);
  }
}

namespace {

Status BadBatch(std::string_view what) {
  return Status::Corruption("write batch: " + std::string(what));
}

Status DecodeHeader(std::string_view* in, uint64_t* txn_id, int64_t* timestamp) {
  if (in->empty()) {
    return BadBatch("empty payload");
  }
  if (static_cast<uint8_t>(in->front()) != kWriteBatchFormatVersion) {
    return BadBatch("unknown version " + std::to_string(static_cast<uint8_t>(in->front())));
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
  uint64_t txn_id = 0;
  int64_t timestamp = 0;
  RETURN_IF_ERROR(DecodeHeader(&payload, &txn_id, &timestamp));
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
    batch->Insert(key, value);
  }
  if (!payload.empty()) {
    return BadBatch(std::to_string(payload.size()) + " trailing bytes");
  }
  batch->set_txn_id(txn_id);
  batch->set_timestamp_micros(timestamp);
  return Status::OK();
}

void EncodeSeal(int64_t timestamp_micros, std::string* dst) {
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
