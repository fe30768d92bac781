// SSTable format primitives: block handles, the footer, block trailers and checked block reads.
//
// A table file is a sequence of blocks followed by a fixed-size footer (byte layout, checksums and
// recovery rules: docs/format/sstable.md):
//
//   [data block 0] ... [data block n-1] [filter block] [properties block] [index block] [footer]
//
// Each block is stored as `contents || type:1 || masked_crc32c:4`, the CRC covering contents and
// type. The encoders and decoders here are pure functions over bytes (except ReadBlock, which
// reads through a RandomAccessFile); every decoder reports damage as Corruption naming the file
// and the byte offset of the damaged structure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/env.h"
#include "common/status.h"

namespace blockdb {

// The last eight bytes of every table: "BDBSSTBL" (42 44 42 53 53 54 42 4c), i.e. the fixed64
// 0x4c42545353424442 in little-endian.
inline constexpr char kTableMagic[] = "BDBSSTBL";
inline constexpr uint32_t kTableFormatVersion = 1;
// type (1 byte) + masked CRC32C (fixed32) after every block.
inline constexpr size_t kBlockTrailerSize = 5;

enum class BlockCompression : uint8_t {
  kNone = 0,
  kLz4 = 1,  // contents = varint32 uncompressed length || LZ4 block-format payload
};

// Where a block lives: the offset of its first byte and the size of its stored contents
// (excluding the trailer).
struct BlockHandle {
  uint64_t offset = 0;
  uint64_t size = 0;

  // Index entries store handles as two varint64s.
  void EncodeTo(std::string* dst) const;
  // Consumes a varint-encoded handle from *in; false when it is truncated or malformed.
  bool DecodeFrom(std::string_view* in);
};

// The fixed-size tail of a table.
struct Footer {
  static constexpr size_t kEncodedLength = 64;

  BlockHandle index;
  BlockHandle filter;
  BlockHandle properties;

  // Appends exactly kEncodedLength bytes.
  void EncodeTo(std::string* dst) const;
  // Decodes the last kEncodedLength bytes of a table whose footer starts at file offset
  // footer_offset (used only in error messages). Corruption for a bad magic, CRC or version.
  Status DecodeFrom(std::string_view input, std::string_view file_name, uint64_t footer_offset);
};

// Table-wide facts stored in the properties block (written uncompressed):
//   num_entries:varint64 smallest:lp largest:lp      (lp = varint32 length || bytes)
// smallest/largest are the exact first and last keys (empty for an empty table).
struct TableProperties {
  uint64_t num_entries = 0;
  std::string smallest;
  std::string largest;

  void EncodeTo(std::string* dst) const;
  // Corruption naming file and block offset for truncated, malformed or trailing bytes, or
  // smallest > largest.
  Status DecodeFrom(std::string_view input, std::string_view file_name, uint64_t block_offset);
};

// Index separators. ShortestSeparator shortens *start to a string s with *start <= s < limit
// (used between a block's last key and the next block's first key; REQUIRES *start < limit).
// ShortSuccessor shortens *key to a string s >= *key (used after the last block).
void ShortestSeparator(std::string* start, std::string_view limit);
void ShortSuccessor(std::string* key);

// Appends the block trailer (type and masked CRC32C over contents || type).
void AppendBlockTrailer(std::string_view contents, BlockCompression type, std::string* dst);

// Compresses raw block contents with LZ4 into *out (length prefix included). Returns false (and
// leaves *out unspecified) when the contents are too large for LZ4.
bool Lz4Compress(std::string_view raw, std::string* out);

// Reads the block at handle, checks its trailer and returns its uncompressed contents.
// `limit` is the first byte the block must not reach (the footer offset): a handle whose block and
// trailer end beyond it is Corruption, so no length from the file is trusted before being checked.
// IOError from the file is returned annotated with file_name.
Result<std::string> ReadBlock(const RandomAccessFile& file, std::string_view file_name,
                              uint64_t limit, const BlockHandle& handle);

// Decodes the uncompressed contents of a block whose stored form is `stored` with trailer type
// `type`; block_offset is used in error messages. Exposed for tests and fuzzing.
Result<std::string> UncompressBlock(std::string_view stored, uint8_t type,
                                    std::string_view file_name, uint64_t block_offset);

// "<file_name> offset <offset>: <what>" as a Corruption status.
Status CorruptionAt(std::string_view file_name, uint64_t offset, std::string_view what);

}  // namespace blockdb
