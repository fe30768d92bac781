// Byte format of log segment files: constants and pure codecs (no I/O). The format is described
// byte by byte in docs/format/log.md; a change here ships with a change there and to the golden
// test in tests/engine/log_format_test.cc.
//
// A segment file is a segment header followed by records:
//
//   header  = magic[8] "BLKDBLOG" | version fixed32 | first_index fixed64 | crc fixed32
//   record  = crc fixed32 | length fixed32 | index fixed64 | term fixed64 | type u8 | payload
//
// All integers little-endian. Each crc is a masked CRC32C (crc32c::Mask): the header's covers its
// first 20 bytes, a record's covers everything after its crc field (length through payload).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "engine/log.h"

namespace blockdb {

inline constexpr std::string_view kLogSegmentMagic = "BLKDBLOG";
inline constexpr uint32_t kLogFormatVersion = 1;
inline constexpr size_t kLogSegmentHeaderSize = 24;
inline constexpr size_t kLogRecordHeaderSize = 25;
// Larger payloads are refused by Append; a larger length read from disk is damage.
inline constexpr uint32_t kLogMaxPayload = 64u << 20;
// Suffix and digit count of segment file names: `00000000000000000001.log`.
inline constexpr std::string_view kLogSegmentSuffix = ".log";
inline constexpr size_t kLogSegmentNameDigits = 20;

// The name (not path) of the segment whose first record has index first_index.
std::string LogSegmentFileName(uint64_t first_index);
// Parses a segment file name; false for any other name (such files are ignored by the log).
bool ParseLogSegmentFileName(std::string_view name, uint64_t* first_index);

// Appends the 24-byte segment header to *dst.
void EncodeLogSegmentHeader(uint64_t first_index, std::string* dst);

// Decodes a segment header from the first kLogSegmentHeaderSize bytes of `in`. Corruption
// (message without file or offset; the caller adds them) when `in` is short, the magic or the
// checksum is wrong; NotSupported for a valid header of another format version.
Status DecodeLogSegmentHeader(std::string_view in, uint64_t* first_index);

// Bytes EncodeLogRecord appends for `record`.
inline size_t LogRecordEncodedSize(const LogRecord& record) {
  return kLogRecordHeaderSize + record.payload.size();
}

// Appends one framed record to *dst. REQUIRES: record.payload.size() <= kLogMaxPayload.
void EncodeLogRecord(const LogRecord& record, std::string* dst);

// A record decoded in place: payload points into the decoded buffer.
struct LogRecordView {
  uint64_t index = 0;
  uint64_t term = 0;
  uint8_t type = 0;
  std::string_view payload;

  LogRecord ToRecord() const { return LogRecord{index, term, type, std::string(payload)}; }
};

enum class LogDecodeResult {
  kOk,
  kTruncated,    // `in` ends inside the record (a torn write, or more bytes are needed)
  kBadLength,    // the length field exceeds kLogMaxPayload
  kBadChecksum,  // the bytes do not match the crc field
};

// Decodes the record at the start of `in`. On kOk fills *out (pointing into `in`) and sets
// *size to the bytes the record occupies. Never reads outside `in` and never allocates.
// Order of checks: a partial header is kTruncated; then a length over kLogMaxPayload is
// kBadLength; then a record extending past `in` is kTruncated; then the checksum.
LogDecodeResult DecodeLogRecord(std::string_view in, LogRecordView* out, size_t* size);

// A short English description of a decode failure, for error messages.
std::string_view LogDecodeResultName(LogDecodeResult result);

}  // namespace blockdb
