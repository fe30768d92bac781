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

class WriteBatch {
 public:
  struct Entry {
    std::string key;
    std::string value;
  };

  // Adds an insert. Validity (no reserved prefix, no duplicates) is checked by DB::Write.
  void Insert(std::string_view key, std::string_view value);
  void Clear();

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
  uint64_t txn_id_ = 0;
  int64_t timestamp_micros_ = 0;
};

// Version byte at the start of both payloads.
inline constexpr uint8_t kWriteBatchFormatVersion = 1;

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
