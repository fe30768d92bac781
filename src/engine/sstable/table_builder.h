// TableBuilder: writes a sorted run of key/value pairs as an immutable SSTable file.
//
// File layout, checksums and crash behaviour: docs/format/sstable.md. Data blocks are cut at
// about TableOptions::block_size bytes, prefix-compressed with a restart point every
// restart_interval keys, and LZ4-compressed when that saves at least an eighth. One bloom filter
// covers the whole table. The builder writes to the file as blocks fill; the table is usable only
// after Finish() returns OK and the caller has synced the file.
//
// Not thread-safe: one thread builds a table.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/env.h"
#include "common/status.h"
#include "engine/sstable/block_builder.h"
#include "engine/sstable/bloom.h"
#include "engine/sstable/format.h"

namespace blockdb {

struct TableOptions {
  size_t block_size = 4096;     // target uncompressed data block size
  int restart_interval = 16;    // keys between restart points (prefix compression)
  int bloom_bits_per_key = 10;  // <= 0: no filter (every lookup reads a data block)
  bool compress = true;         // LZ4 per block when it saves at least 1/8

  // InvalidArgument naming the field unless 1 <= block_size <= 256 MiB,
  // 1 <= restart_interval <= 65536 and bloom_bits_per_key <= 64. Options that pass are safe to
  // give to TableBuilder (for configuration coming from users).
  Status Validate() const;
};

class TableBuilder {
 public:
  // Does not own file, which must stay open until Finish() or Abandon() returns.
  // REQUIRES: options.Validate().ok().
  TableBuilder(const TableOptions& options, WritableFile* file);
  TableBuilder(const TableBuilder&) = delete;
  TableBuilder& operator=(const TableBuilder&) = delete;

  // REQUIRES: key > every key added before (bytewise); Finish() and Abandon() not called.
  // Values are opaque bytes. After a write error the call does nothing (see status()).
  void Add(std::string_view key, std::string_view value);

  // Writes the last data block, the filter, the properties, the index and the footer. Does not
  // Sync or Close the file. Returns the first error met since construction, if any.
  // REQUIRES: Finish() and Abandon() not called.
  Status Finish();

  // Stops building; the caller deletes the partial file. Calling neither Finish() nor Abandon()
  // before destruction is the same as Abandon().
  void Abandon();

  // The first write error, or OK.
  Status status() const { return status_; }
  uint64_t NumEntries() const { return num_entries_; }
  // Bytes written so far (the final file size after Finish()).
  uint64_t FileSize() const { return offset_; }

 private:
  void FlushDataBlock();
  // Writes contents plus trailer, compressing when allowed and worthwhile; sets *handle.
  void WriteBlock(std::string_view contents, bool may_compress, BlockHandle* handle);
  void WriteRaw(std::string_view data);
  // Adds the index entry of the last written data block (pending_handle_).
  void AddIndexEntry(std::string_view separator);

  const TableOptions options_;
  WritableFile* const file_;
  Status status_;
  uint64_t offset_ = 0;
  uint64_t num_entries_ = 0;
  bool closed_ = false;

  BlockBuilder data_block_;
  BlockBuilder index_block_;
  BloomFilterBuilder filter_;
  std::string smallest_key_;
  std::string last_key_;
  // After a data block is written its index entry waits for the next key, so that the separator
  // can be the shortest string between the block's last key and the next block's first key.
  bool pending_index_entry_ = false;
  BlockHandle pending_handle_;
  std::string compressed_;  // scratch buffer for LZ4 output
};

}  // namespace blockdb
