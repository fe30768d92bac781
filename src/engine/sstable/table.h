// Table: a read-only, opened SSTable (written by TableBuilder; format in docs/format/sstable.md).
//
// Open() reads the footer, the index block, the bloom filter and the properties block, checks
// their checksums and keeps them in memory. A point lookup then costs at most one data block read
// (none when the bloom filter rules the key out), served from the BlockCache when one is given.
//
// Damage is reported, never trusted: a bad checksum, an out-of-range handle, a malformed entry,
// a failed decompression or a bad footer is Status::Corruption whose message names the file and
// the byte offset ("000012.sst offset 8192: block checksum mismatch").
//
// Thread safety: Get(), NewIterator() and the accessors may be called concurrently. Each iterator
// is used by one thread at a time; many may exist at once. Iterators must not outlive the Table,
// and the Table must not outlive its BlockCache.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "engine/iterator.h"
#include "engine/sstable/block.h"
#include "engine/sstable/bloom.h"
#include "engine/sstable/cache.h"
#include "engine/sstable/format.h"
#include "engine/sstable/table_builder.h"

namespace blockdb {

class Table {
 public:
  // Opens the table held by file, whose size is file_size bytes. file_name is used only in error
  // messages. cache may be null (blocks are then read for each use); otherwise it must outlive
  // the table, and cache_id must be unique per table within the cache (e.g. the file number).
  // options is accepted for symmetry with the builder; the format is self-describing.
  static Result<std::unique_ptr<Table>> Open(const TableOptions& options,
                                             std::unique_ptr<RandomAccessFile> file,
                                             uint64_t file_size, std::string file_name,
                                             uint64_t cache_id, BlockCache* cache);

  ~Table();
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  // Copies the value of key into *value. NotFound (with an empty message) when the key is absent,
  // answered by the bloom filter without reading a data block in most cases; Corruption naming
  // file and offset when a block is damaged; IOError from the file.
  Status Get(std::string_view key, std::string* value) const;

  // An ordered iterator over the whole table, initially not positioned. Errors end the iteration
  // (Valid() false, status() set); after one, further seeks do nothing. With fill_cache false the
  // data blocks it reads that are not in the cache are used and freed without being added to it
  // (a scan that reads much of the store once would only evict the blocks other reads reuse).
  std::unique_ptr<Iterator> NewIterator(bool fill_cache = true) const;

  // Appends, for each data block that may hold keys in [begin, end), its index key (at or above
  // its last key) and its size on disk, in key order. Reads only the index block, which is in
  // memory. For dividing a key range into pieces of about equal size (DB::ApproximateSplitKeys).
  Status AppendBlockSizes(std::string_view begin, std::string_view end,
                          std::vector<std::pair<std::string, uint64_t>>* out) const;

  // Exact smallest and largest keys (empty for an empty table), from the properties block.
  std::string_view smallest_key() const { return props_.smallest; }
  std::string_view largest_key() const { return props_.largest; }
  uint64_t NumEntries() const { return props_.num_entries; }
  // Bytes held in memory for the table's lifetime (index, filter, properties).
  size_t MemoryUsage() const;

 private:
  class BlockRef;
  class TwoLevelIterator;

  Table(std::unique_ptr<RandomAccessFile> file, uint64_t file_size, std::string file_name,
        uint64_t cache_id, BlockCache* cache);

  Status ReadMetaBlocks(const Footer& footer);
  Status ValidateIndex() const;
  // Decodes an index entry's value into a data block handle.
  Status DecodeIndexValue(std::string_view value, BlockHandle* handle) const;
  // The decoded data block at handle, pinned in the cache when there is one (and, if it was not
  // cached, inserted only when fill_cache is set).
  Status ReadDataBlock(const BlockHandle& handle, bool fill_cache, BlockRef* out) const;

  const std::unique_ptr<RandomAccessFile> file_;
  const uint64_t file_size_;
  const std::string file_name_;
  const uint64_t cache_id_;
  BlockCache* const cache_;

  uint64_t data_limit_ = 0;  // data blocks end before this offset (the filter block's)
  std::unique_ptr<Block> index_block_;
  uint64_t index_offset_ = 0;
  std::string filter_data_;
  BloomFilter filter_;  // views filter_data_
  TableProperties props_;
};

}  // namespace blockdb
