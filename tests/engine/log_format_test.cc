#include "engine/log_format.h"

#include <doctest/doctest.h>

#include <string>

#include "common/coding.h"
#include "common/crc32c.h"
#include "common/env.h"
#include "log_test_util.h"

namespace blockdb {
namespace {

// The worked example of docs/format/log.md: a segment starting at index 1 holding
// (index 1, term 1, type 1, "hello") and (index 2, term 2, type 2, "").
const char kGoldenSegment[] =
    // segment header
    "BLKDBLOG"                          // magic
    "\x01\x00\x00\x00"                  // version 1
    "\x01\x00\x00\x00\x00\x00\x00\x00"  // first_index 1
    "\x11\x2a\xf8\xf7"                  // masked crc32c of the 20 bytes above
    // record 1
    "\x1e\xd2\xf1\x42"                  // masked crc32c of length..payload
    "\x05\x00\x00\x00"                  // length 5
    "\x01\x00\x00\x00\x00\x00\x00\x00"  // index 1
    "\x01\x00\x00\x00\x00\x00\x00\x00"  // term 1
    "\x01"                              // type 1
    "hello"                             // payload
    // record 2
    "\x4a\xe5\xf5\x87"                  // masked crc32c of length..type
    "\x00\x00\x00\x00"                  // length 0
    "\x02\x00\x00\x00\x00\x00\x00\x00"  // index 2
    "\x02\x00\x00\x00\x00\x00\x00\x00"  // term 2
    "\x02";                             // type 2

std::string GoldenSegment() { return std::string(kGoldenSegment, sizeof(kGoldenSegment) - 1); }

TEST_CASE("log format: golden bytes of a segment with two records") {
  std::string segment;
  EncodeLogSegmentHeader(1, &segment);
  EncodeLogRecord(LogRecord{1, 1, 1, "hello"}, &segment);
  EncodeLogRecord(LogRecord{2, 2, 2, ""}, &segment);
  CHECK(segment.size() == 79);
  CHECK(ToHex(segment) == ToHex(GoldenSegment()));

  uint64_t first_index = 0;
  REQUIRE(DecodeLogSegmentHeader(segment, &first_index).ok());
  CHECK(first_index == 1);

  std::string_view in = std::string_view(segment).substr(kLogSegmentHeaderSize);
  LogRecordView view;
  size_t size = 0;
  REQUIRE(DecodeLogRecord(in, &view, &size) == LogDecodeResult::kOk);
  CHECK(size == 30);
  CHECK(view.ToRecord() == LogRecord{1, 1, 1, "hello"});
  in.remove_prefix(size);
  REQUIRE(DecodeLogRecord(in, &view, &size) == LogDecodeResult::kOk);
  CHECK(size == 25);
  CHECK(view.ToRecord() == LogRecord{2, 2, 2, ""});
}

TEST_CASE("log format: SegmentedLog writes exactly the golden bytes") {
  log_test::TempDir tmp;
  Env* env = Env::Default();
  {
    auto log = log_test::OpenOrDie(env, tmp.path(), LogOptions());
    REQUIRE(log->Append({LogRecord{1, 1, 1, "hello"}}).ok());
    REQUIRE(log->Append({LogRecord{2, 2, 2, ""}}).ok());
    REQUIRE(log->Sync().ok());
  }
  auto bytes = ReadFileToString(env, JoinPath(tmp.path(), "00000000000000000001.log"));
  REQUIRE(bytes.ok());
  CHECK(ToHex(*bytes) == ToHex(GoldenSegment()));
}

TEST_CASE("log format: segment file names sort by index and parse back") {
  CHECK(LogSegmentFileName(1) == "00000000000000000001.log");
  CHECK(LogSegmentFileName(18446744073709551615ull) == "18446744073709551615.log");
  uint64_t index = 0;
  CHECK(ParseLogSegmentFileName("00000000000000004097.log", &index));
  CHECK(index == 4097);
  CHECK(ParseLogSegmentFileName(LogSegmentFileName(18446744073709551615ull), &index));
  CHECK(index == 18446744073709551615ull);
  CHECK_FALSE(ParseLogSegmentFileName("99999999999999999999.log", &index));  // overflows
  CHECK_FALSE(ParseLogSegmentFileName("0000000000000000001.log", &index));   // 19 digits
  CHECK_FALSE(ParseLogSegmentFileName("0000000000000000000a.log", &index));
  CHECK_FALSE(ParseLogSegmentFileName("00000000000000000001.tmp", &index));
  CHECK_FALSE(ParseLogSegmentFileName("LOCK", &index));
}

TEST_CASE("log format: every prefix of a record is truncated, never misread") {
  std::string rec;
  EncodeLogRecord(LogRecord{7, 3, 1, "payload bytes"}, &rec);
  for (size_t n = 0; n < rec.size(); n++) {
    LogRecordView view;
    size_t size = 0;
    CHECK(DecodeLogRecord(std::string_view(rec).substr(0, n), &view, &size) ==
          LogDecodeResult::kTruncated);
  }
}

TEST_CASE("log format: any flipped bit fails the checksum") {
  std::string rec;
  EncodeLogRecord(LogRecord{7, 3, 1, "payload bytes"}, &rec);
  // Bytes 4..7 are the length: a flip there may also make the record look longer than the input
  // (truncated) or implausibly long; any of those is a failure, never a wrong record.
  for (size_t i = 0; i < rec.size(); i++) {
    for (int bit = 0; bit < 8; bit++) {
      std::string bad = rec;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      LogRecordView view;
      size_t size = 0;
      LogDecodeResult r = DecodeLogRecord(bad, &view, &size);
      CHECK(r != LogDecodeResult::kOk);
      if (i < 4 || i >= 8) {
        CHECK(r == LogDecodeResult::kBadChecksum);
      }
    }
  }
}

TEST_CASE("log format: implausible length is reported without reading further") {
  std::string rec;
  EncodeLogRecord(LogRecord{1, 0, 1, "x"}, &rec);
  EncodeFixed32(rec.data() + 4, kLogMaxPayload + 1);
  LogRecordView view;
  size_t size = 0;
  CHECK(DecodeLogRecord(rec, &view, &size) == LogDecodeResult::kBadLength);
}

TEST_CASE("log format: segment header checks magic, checksum and version") {
  std::string header;
  EncodeLogSegmentHeader(42, &header);
  REQUIRE(header.size() == kLogSegmentHeaderSize);
  uint64_t first = 0;
  CHECK(DecodeLogSegmentHeader(header.substr(0, 23), &first).IsCorruption());
  for (size_t i = 0; i < header.size(); i++) {
    std::string bad = header;
    bad[i] = static_cast<char>(bad[i] ^ 0x10);
    CHECK(DecodeLogSegmentHeader(bad, &first).IsCorruption());
  }

  // A header of a future version, with a valid checksum, is refused rather than guessed at.
  std::string v2(kLogSegmentMagic);
  PutFixed32(&v2, 2);
  PutFixed64(&v2, 42);
  PutFixed32(&v2, crc32c::Mask(crc32c::Value(v2)));
  Status s = DecodeLogSegmentHeader(v2, &first);
  CHECK(s.code() == StatusCode::kNotSupported);
  CHECK(s.message().find("version 2") != std::string::npos);
}

}  // namespace
}  // namespace blockdb
