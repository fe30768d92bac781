// WriteBatch: the unit of an atomic insert-if-absent write, and its log payload codec.
//
// A batch is logged as one log record (type kLogRecordWriteBatch) whose payload is the encoding
// below, documented byte by byte in docs/format/write_batch.md. The txn id and the timestamp are
// part of the payload so that applying a logged batch never reads a clock (determinism: every
// replica and every recovery applies identical bytes identically).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace blockdb {

// Log record types owned by the engine (LogRecord::type).
inline constexpr uint8_t kLogRecordWriteBatch = 1;
// A "seal" command: the ledger closes a block when it is applied. Payload: EncodeSeal().
inline constexpr uint8_t kLogRecordSeal = 2;

// Keys beginning with this byte are reserved for engine-internal records (the ledger's).
inline constexpr char kInternalKeyPrefix = '\xff';

inline bool IsInternalKey(std::string_view key) {
  return !key.empty() && key.front() == kInternalKeyPrefix;
}

// Row ids assigned when a batch is applied. A SQL table without a primary key keys its rows by a
// hidden row id, which must be unique forever and identical on every replica and every replay.
// The writer cannot know it (the log index is chosen by the group-commit leader, later by the
// Raft leader), so it leaves a placeholder and names the row's ordinal in the batch; the apply
// step writes
//   row id = (log index << kRowIdShift) | ordinal
// over the placeholder as an ascending BIGINT key column (common/key_coding.h, AppendKeyInt64:
// a tag byte and 8 bytes), which is how the SQL layer's key and index codecs encode it. Ids
// therefore grow with the log, and two batches can never produce the same id.
inline constexpr int kRowIdShift = 24;
inline constexpr uint32_t kMaxRowIdsPerBatch = uint32_t{1} << kRowIdShift;
inline constexpr size_t kRowIdSize = 9;  // the encoded BIGINT column
// No row-id placeholder (RowIdSlot offsets).
inline constexpr uint32_t kNoRowIdSlot = UINT32_MAX;

inline uint64_t RowIdAt(uint64_t log_index, uint32_t ordinal) {
  return (log_index << kRowIdShift) | ordinal;
}

class WriteBatch {
 public:
  // Where an entry's row-id placeholder sits (see RowIdAt): the row's ordinal in the batch and
  // the offsets of the kRowIdSize placeholder bytes in the key and in the value (kNoRowIdSlot:
  // none).
  struct RowIdSlot {
    uint32_t ordinal = 0;
    uint32_t key_offset = kNoRowIdSlot;
    uint32_t value_offset = kNoRowIdSlot;
  };
  struct Entry {
    std::string key;
    std::string value;
    bool has_row_id = false;
    RowIdSlot slot;  // meaningful when has_row_id
  };

  // Adds an insert. Validity (no reserved prefix, no duplicates) is checked by DB::Write.
  void Insert(std::string_view key, std::string_view value);
  // Adds an insert whose key and/or value hold a row-id placeholder, filled in at apply. Keys with
  // a placeholder are checked for duplicates only once the id is written (at apply).
  void InsertWithRowId(std::string_view key, std::string_view value, RowIdSlot slot);
  void Clear();

  // Whether some entry has a row-id placeholder.
  bool has_row_ids() const { return row_id_entries_ > 0; }
  // InvalidArgument when a placeholder lies outside its key or value, or an ordinal is at least
  // kMaxRowIdsPerBatch.
  Status CheckRowIdSlots() const;
  // Writes the row ids of log index `log_index` into every placeholder. REQUIRES: CheckRowIdSlots
  // passed.
  void AssignRowIds(uint64_t log_index);

  size_t Count() const { return entries_.size(); }
  const std::vector<Entry>& entries() const { return entries_; }
  // Sum of key and value sizes (an estimate of the payload size).
  size_t ByteSize() const { return byte_size_; }

  // Transaction id chosen by the writer (opaque to the engine, recorded in the ledger).
  uint64_t txn_id() const { return txn_id_; }
  void set_txn_id(uint64_t txn_id) { txn_id_ = txn_id; }
  // Leader-assigned timestamp in microseconds since the Unix epoch. When 0 at DB::Write, the
  // group-commit leader stamps the wall clock before logging.
  int64_t timestamp_micros() const { return timestamp_micros_; }
  void set_timestamp_micros(int64_t micros) { timestamp_micros_ = micros; }

 private:
  std::vector<Entry> entries_;
  size_t byte_size_ = 0;
  size_t row_id_entries_ = 0;
  uint64_t txn_id_ = 0;
  int64_t timestamp_micros_ = 0;
};

// Version byte at the start of both payloads. A batch with row-id placeholders is written as
// version 2 (each entry followed by its slot); every other batch, and every seal, as version 1.
inline constexpr uint8_t kWriteBatchFormatVersion = 1;
inline constexpr uint8_t kWriteBatchRowIdFormatVersion = 2;

// Appends the payload encoding of batch to *dst.
void EncodeWriteBatch(const WriteBatch& batch, std::string* dst);
// Same, with timestamp_micros in place of batch.timestamp_micros() (the leader's stamp).
void EncodeWriteBatch(const WriteBatch& batch, int64_t timestamp_micros, std::string* dst);
// Decodes a payload into *batch (replacing its contents). Corruption on malformed input, which
// includes an unknown version, truncation and trailing bytes.
Status DecodeWriteBatch(std::string_view payload, WriteBatch* batch);

// Seal command payload: version byte + fixed64 timestamp.
void EncodeSeal(int64_t timestamp_micros, std::string* dst);
Status DecodeSeal(std::string_view payload, int64_t* timestamp_micros);

}  // namespace blockdb
