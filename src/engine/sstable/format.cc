#include "engine/sstable/format.h"

#include <lz4.h>

#include <algorithm>
#include <cstring>

#include "common/coding.h"
#include "common/crc32c.h"

namespace blockdb {
namespace {

// LZ4 expands at most 255 output bytes per input byte (a match-length run of 0xff bytes); a claimed
// uncompressed length above this bound cannot be genuine and is rejected before allocating.
constexpr uint64_t kLz4MaxExpansion = 255;
constexpr uint64_t kLz4Slack = 64;

uint32_t BlockCrc(std::string_view contents, uint8_t type) {
  uint32_t crc = crc32c::Value(contents.data(), contents.size());
  char t = static_cast<char>(type);
  return crc32c::Mask(crc32c::Extend(crc, &t, 1));
}

}  // namespace

Status CorruptionAt(std::string_view file_name, uint64_t offset, std::string_view what) {
  std::string msg(file_name);
  msg += " offset ";
  msg += std::to_string(offset);
  msg += ": ";
  msg += what;
  return Status::Corruption(std::move(msg));
}

void BlockHandle::EncodeTo(std::string* dst) const {
  PutVarint64(dst, offset);
  PutVarint64(dst, size);
}

bool BlockHandle::DecodeFrom(std::string_view* in) {
  return GetVarint64(in, &offset) && GetVarint64(in, &size);
}

void Footer::EncodeTo(std::string* dst) const {
  size_t start = dst->size();
  for (const BlockHandle* h : {&index, &filter, &properties}) {
    PutFixed64(dst, h->offset);
    PutFixed64(dst, h->size);
  }
  PutFixed32(dst, kTableFormatVersion);
  PutFixed32(dst, crc32c::Mask(crc32c::Value(dst->data() + start, dst->size() - start)));
  dst->append(kTableMagic, 8);
}

Status Footer::DecodeFrom(std::string_view input, std::string_view file_name,
                          uint64_t footer_offset) {
  if (input.size() != kEncodedLength) {
    return CorruptionAt(file_name, footer_offset, "truncated footer");
  }
  if (std::memcmp(input.data() + 56, kTableMagic, 8) != 0) {
    return CorruptionAt(file_name, footer_offset + 56, "bad table magic (not an SSTable?)");
  }
  uint32_t stored_crc = DecodeFixed32(input.data() + 52);
  if (crc32c::Unmask(stored_crc) != crc32c::Value(input.data(), 52)) {
    return CorruptionAt(file_name, footer_offset, "footer checksum mismatch");
  }
  uint32_t version = DecodeFixed32(input.data() + 48);
  if (version != kTableFormatVersion) {
    return CorruptionAt(file_name, footer_offset + 48,
                        "unsupported table format version " + std::to_string(version));
  }
  const char* p = input.data();
  for (BlockHandle* h : {&index, &filter, &properties}) {
    h->offset = DecodeFixed64(p);
    h->size = DecodeFixed64(p + 8);
    p += 16;
  }
  return Status::OK();
}

void TableProperties::EncodeTo(std::string* dst) const {
  PutVarint64(dst, num_entries);
  PutLengthPrefixed(dst, smallest);
  PutLengthPrefixed(dst, largest);
}

Status TableProperties::DecodeFrom(std::string_view input, std::string_view file_name,
                                   uint64_t block_offset) {
  std::string_view small;
  std::string_view large;
  if (!GetVarint64(&input, &num_entries) || !GetLengthPrefixed(&input, &small) ||
      !GetLengthPrefixed(&input, &large) || !input.empty()) {
    return CorruptionAt(file_name, block_offset, "malformed properties block");
  }
  if (small > large) {
    return CorruptionAt(file_name, block_offset, "properties: smallest key > largest key");
  }
  smallest.assign(small);
  largest.assign(large);
  return Status::OK();
}

void ShortestSeparator(std::string* start, std::string_view limit) {
  size_t n = std::min(start->size(), limit.size());
  size_t diff = 0;
  while (diff < n && (*start)[diff] == limit[diff]) {
    ++diff;
  }
  if (diff >= n) {
    return;  // one is a prefix of the other: no shorter string fits between them
  }
  uint8_t byte = static_cast<uint8_t>((*start)[diff]);
  if (byte < 0xff && byte + 1 < static_cast<uint8_t>(limit[diff])) {
    (*start)[diff] = static_cast<char>(byte + 1);
    start->resize(diff + 1);
  }
}

void ShortSuccessor(std::string* key) {
  for (size_t i = 0; i < key->size(); ++i) {
    uint8_t byte = static_cast<uint8_t>((*key)[i]);
    if (byte != 0xff) {
      (*key)[i] = static_cast<char>(byte + 1);
      key->resize(i + 1);
      return;
    }
  }
  // All 0xff: the key is its own shortest successor.
}

void AppendBlockTrailer(std::string_view contents, BlockCompression type, std::string* dst) {
  uint8_t t = static_cast<uint8_t>(type);
  dst->push_back(static_cast<char>(t));
  PutFixed32(dst, BlockCrc(contents, t));
}

bool Lz4Compress(std::string_view raw, std::string* out) {
  if (raw.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) {
    return false;
  }
  out->clear();
  PutVarint32(out, static_cast<uint32_t>(raw.size()));
  size_t header = out->size();
  int bound = LZ4_compressBound(static_cast<int>(raw.size()));
  out->resize(header + static_cast<size_t>(bound));
  int n =
      LZ4_compress_default(raw.data(), out->data() + header, static_cast<int>(raw.size()), bound);
  if (n <= 0) {
    return false;
  }
  out->resize(header + static_cast<size_t>(n));
  return true;
}

Result<std::string> UncompressBlock(std::string_view stored, uint8_t type,
                                    std::string_view file_name, uint64_t block_offset) {
  switch (static_cast<BlockCompression>(type)) {
    case BlockCompression::kNone:
      return std::string(stored);
    case BlockCompression::kLz4:
      break;
    default:
      return CorruptionAt(file_name, block_offset,
                          "unknown block compression type " + std::to_string(type));
  }
  std::string_view in = stored;
  uint32_t raw_len = 0;
  if (!GetVarint32(&in, &raw_len)) {
    return CorruptionAt(file_name, block_offset, "bad LZ4 length prefix");
  }
  if (raw_len > in.size() * kLz4MaxExpansion + kLz4Slack ||
      raw_len > static_cast<uint32_t>(LZ4_MAX_INPUT_SIZE) ||
      in.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) {
    return CorruptionAt(file_name, block_offset, "implausible LZ4 uncompressed length");
  }
  std::string raw(raw_len, '\0');
  int n = LZ4_decompress_safe(in.data(), raw.data(), static_cast<int>(in.size()),
                              static_cast<int>(raw_len));
  if (n < 0 || static_cast<uint32_t>(n) != raw_len) {
    return CorruptionAt(file_name, block_offset, "LZ4 decompression failed");
  }
  return raw;
}

Result<std::string> ReadBlock(const RandomAccessFile& file, std::string_view file_name,
                              uint64_t limit, const BlockHandle& handle) {
  // Overflow-safe form of handle.offset + handle.size + kBlockTrailerSize <= limit.
  if (limit < kBlockTrailerSize || handle.offset > limit - kBlockTrailerSize ||
      handle.size > limit - kBlockTrailerSize - handle.offset) {
    return CorruptionAt(file_name, handle.offset,
                        "block handle (size " + std::to_string(handle.size) +
                            ") beyond the end of the table data at " + std::to_string(limit));
  }
  size_t n = static_cast<size_t>(handle.size);
  std::string buf;
  Status s = file.Read(handle.offset, n + kBlockTrailerSize, &buf);
  if (!s.ok()) {
    return s.Annotate(file_name);
  }
  if (buf.size() != n + kBlockTrailerSize) {
    return CorruptionAt(file_name, handle.offset, "truncated block (file shorter than expected)");
  }
  uint8_t type = static_cast<uint8_t>(buf[n]);
  uint32_t stored_crc = DecodeFixed32(buf.data() + n + 1);
  if (stored_crc != BlockCrc(std::string_view(buf.data(), n), type)) {
    return CorruptionAt(file_name, handle.offset, "block checksum mismatch");
  }
  if (type == static_cast<uint8_t>(BlockCompression::kNone)) {
    buf.resize(n);
    return buf;
  }
  return UncompressBlock(std::string_view(buf.data(), n), type, file_name, handle.offset);
}

}  // namespace blockdb
