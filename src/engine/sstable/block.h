// Block: the decoded (uncompressed, checksum-verified) contents of one data or index block, and an
// iterator over its entries. Layout: block_builder.h and docs/format/sstable.md.
//
// A Block is immutable once created and may be shared by many threads and iterators (the block
// cache hands out the same Block to concurrent readers). Its structure is validated lazily: the
// restart array at Create(), each entry when an iterator decodes it. Malformed entries are
// reported through the iterator's status() as Corruption naming the file and the block's offset.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "engine/iterator.h"

namespace blockdb {

class Block {
 public:
  // Takes the uncompressed contents of the block stored at file offset block_offset of
  // file_name (both used in error messages only). Corruption when the restart array is
  // inconsistent (fewer than 4 bytes, a count that does not fit, offsets not increasing or past
  // the entries, a first restart other than 0).
  static Result<std::unique_ptr<Block>> Create(std::string contents, std::string_view file_name,
                                               uint64_t block_offset);

  Block(const Block&) = delete;
  Block& operator=(const Block&) = delete;

  // Bytes of contents held (the cache charge).
  size_t size() const { return contents_.size(); }
  uint64_t block_offset() const { return block_offset_; }

  // An iterator over the entries. The Block must outlive it. file_name must stay valid as long
  // as the iterator (it names the file in errors).
  std::unique_ptr<Iterator> NewIterator(std::string_view file_name) const;

 private:
  class Iter;

  Block(std::string contents, uint64_t block_offset, uint32_t restart_offset,
        uint32_t num_restarts);

  const std::string contents_;
  const uint64_t block_offset_;
  const uint32_t restart_offset_;  // where the restart array begins (= end of the entries)
  const uint32_t num_restarts_;
};

}  // namespace blockdb
