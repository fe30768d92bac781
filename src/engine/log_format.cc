#include "engine/log_format.h"

#include <cstdio>

#include "common/coding.h"
#include "common/crc32c.h"

namespace blockdb {

std::string LogSegmentFileName(uint64_t first_index) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%020llu", static_cast<unsigned long long>(first_index));
  std::string name(buf);
  name += kLogSegmentSuffix;
  return name;
}

bool ParseLogSegmentFileName(std::string_view name, uint64_t* first_index) {
  if (name.size() != kLogSegmentNameDigits + kLogSegmentSuffix.size() ||
      name.substr(kLogSegmentNameDigits) != kLogSegmentSuffix) {
    return false;
  }
  uint64_t v = 0;
  for (size_t i = 0; i < kLogSegmentNameDigits; i++) {
    char c = name[i];
    if (c < '0' || c > '9') {
      return false;
    }
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) {
      return false;
    }
    v = v * 10 + digit;
  }
  *first_index = v;
  return true;
}

void EncodeLogSegmentHeader(uint64_t first_index, std::string* dst) {
  size_t start = dst->size();
  dst->append(kLogSegmentMagic);
  PutFixed32(dst, kLogFormatVersion);
  PutFixed64(dst, first_index);
  PutFixed32(dst, crc32c::Mask(crc32c::Value(dst->data() + start, dst->size() - start)));
}

Status DecodeLogSegmentHeader(std::string_view in, uint64_t* first_index) {
  if (in.size() < kLogSegmentHeaderSize) {
    return Status::Corruption("segment header truncated");
  }
  if (in.substr(0, kLogSegmentMagic.size()) != kLogSegmentMagic) {
    return Status::Corruption("bad segment magic");
  }
  uint32_t stored = crc32c::Unmask(DecodeFixed32(in.data() + 20));
  if (stored != crc32c::Value(in.data(), 20)) {
    return Status::Corruption("segment header checksum mismatch");
  }
  uint32_t version = DecodeFixed32(in.data() + 8);
  if (version != kLogFormatVersion) {
    return Status::NotSupported("log segment format version " + std::to_string(version) +
                                " (this build reads version " + std::to_string(kLogFormatVersion) +
                                ")");
  }
  *first_index = DecodeFixed64(in.data() + 12);
  return Status::OK();
}

void EncodeLogRecord(const LogRecord& record, std::string* dst) {
  size_t start = dst->size();
  PutFixed32(dst, 0);  // crc, filled in below once the covered bytes are in place
  PutFixed32(dst, static_cast<uint32_t>(record.payload.size()));
  PutFixed64(dst, record.index);
  PutFixed64(dst, record.term);
  dst->push_back(static_cast<char>(record.type));
  dst->append(record.payload);
  const char* covered = dst->data() + start + 4;
  uint32_t crc = crc32c::Value(covered, dst->size() - start - 4);
  EncodeFixed32(dst->data() + start, crc32c::Mask(crc));
}

LogDecodeResult DecodeLogRecord(std::string_view in, LogRecordView* out, size_t* size) {
  if (in.size() < kLogRecordHeaderSize) {
    return LogDecodeResult::kTruncated;
  }
  uint32_t length = DecodeFixed32(in.data() + 4);
  if (length > kLogMaxPayload) {
    return LogDecodeResult::kBadLength;
  }
  size_t total = kLogRecordHeaderSize + length;
  if (in.size() < total) {
    return LogDecodeResult::kTruncated;
  }
  uint32_t stored = crc32c::Unmask(DecodeFixed32(in.data()));
  if (stored != crc32c::Value(in.data() + 4, total - 4)) {
    return LogDecodeResult::kBadChecksum;
  }
  out->index = DecodeFixed64(in.data() + 8);
  out->term = DecodeFixed64(in.data() + 16);
  out->type = static_cast<uint8_t>(in[24]);
  out->payload = in.substr(kLogRecordHeaderSize, length);
  *size = total;
  return LogDecodeResult::kOk;
}

std::string_view LogDecodeResultName(LogDecodeResult result) {
  switch (result) {
    case LogDecodeResult::kOk:
      return "ok";
    case LogDecodeResult::kTruncated:
      return "record truncated";
    case LogDecodeResult::kBadLength:
      return "implausible record length";
    case LogDecodeResult::kBadChecksum:
      return "record checksum mismatch";
  }
  return "unknown";
}

}  // namespace blockdb
