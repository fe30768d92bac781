// SegmentedLog recovery: torn tails of the last segment are cut (with a log line), every other
// kind of damage is Corruption naming the segment file and the byte offset.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>

#include <spdlog/sinks/ringbuffer_sink.h>

#include "common/coding.h"
#include "common/crc32c.h"
#include "common/logging.h"
#include "engine/log.h"
#include "engine/log_format.h"
#include "log_test_util.h"

namespace blockdb {
namespace {

using log_test::AppendRange;
using log_test::CheckHolds;
using log_test::LogDir;
using log_test::OpenOrDie;
using log_test::SegmentFiles;
using log_test::TestRecord;

LogOptions OneRecordPerSegment() {
  LogOptions options;
  options.segment_size = 1;  // every Append starts a new segment
  return options;
}

std::string ReadAll(Env* env, const std::string& path) {
  auto data = ReadFileToString(env, path);
  REQUIRE(data.ok());
  return *data;
}

void WriteAll(Env* env, const std::string& path, const std::string& data) {
  REQUIRE(WriteStringToFileSync(env, data, path).ok());
}

void FlipByte(Env* env, const std::string& path, uint64_t offset) {
  std::string data = ReadAll(env, path);
  REQUIRE(offset < data.size());
  data[offset] = static_cast<char>(data[offset] ^ 0x20);
  WriteAll(env, path, data);
}

// Offset of record `index` in a segment starting at `first` written with the test records.
uint64_t RecordOffset(uint64_t first, uint64_t index) {
  uint64_t offset = kLogSegmentHeaderSize;
  for (uint64_t i = first; i < index; i++) {
    offset += LogRecordEncodedSize(TestRecord(i));
  }
  return offset;
}

// Writes records [1, n] synced into dir and closes the log.
void WriteLog(Env* env, const std::string& dir, const LogOptions& options, uint64_t n) {
  auto log = OpenOrDie(env, dir, options);
  AppendRange(log.get(), 1, n);
  REQUIRE(log->Sync().ok());
}

// Asserts that opening fails with Corruption naming `file` and `offset`.
void CheckCorruption(Env* env, const std::string& dir, const LogOptions& options,
                     const std::string& file, uint64_t offset) {
  auto log = SegmentedLog::Open(env, dir, options);
  REQUIRE_FALSE(log.ok());
  const Status& s = log.status();
  CHECK_MESSAGE(s.IsCorruption(), s.ToString());
  CHECK_MESSAGE(s.message().find(file) != std::string::npos, s.ToString());
  CHECK_MESSAGE(s.message().find("offset " + std::to_string(offset) + ":") != std::string::npos,
                s.ToString());
}

// Captures the lines the "engine" logger writes while it lives.
class EngineLogCapture {
 public:
  EngineLogCapture() : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64)) {
    Logger("engine")->sinks().push_back(sink_);
  }
  ~EngineLogCapture() {
    auto& sinks = Logger("engine")->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
  }
  std::vector<std::string> Lines() { return sink_->last_formatted(); }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
};

TEST_CASE("log recovery: every cut inside the last record is a torn tail") {
  LogDir d(LogDir::Kind::kPosix);
  Env* env = d.env();
  LogOptions options;
  options.segment_size = 400;
  WriteLog(env, d.path(), options, 40);
  std::vector<std::string> files = SegmentFiles(env, d.path());
  REQUIRE(files.size() > 2);
  std::string last_path = JoinPath(d.path(), files.back());
  uint64_t last_first = 0;
  REQUIRE(ParseLogSegmentFileName(files.back(), &last_first));
  REQUIRE(last_first < 40);  // the last segment holds more than the last record
  const std::string original = ReadAll(env, last_path);
  const uint64_t record_start = RecordOffset(last_first, 40);
  REQUIRE(record_start + LogRecordEncodedSize(TestRecord(40)) == original.size());

  for (uint64_t cut = record_start; cut < original.size(); cut++) {
    CAPTURE(cut);
    WriteAll(env, last_path, original.substr(0, cut));
    EngineLogCapture capture;
    auto log = OpenOrDie(env, d.path(), options);
    CheckHolds(*log, 1, 39);
    std::vector<std::string> lines = capture.Lines();
    if (cut > record_start) {
      REQUIRE(lines.size() == 1);
      CHECK(lines[0].find(last_path) != std::string::npos);
      CHECK(lines[0].find("offset " + std::to_string(record_start)) != std::string::npos);
      CHECK(lines[0].find(std::to_string(cut - record_start) + " bytes dropped") !=
            std::string::npos);
    } else {
      CHECK(lines.empty());  // a clean end: nothing to repair
    }
    CHECK(*env->GetFileSize(last_path) == record_start);
    // The repaired log takes the next record where the torn one was.
    REQUIRE(log->Append({TestRecord(40)}).ok());
    REQUIRE(log->Sync().ok());
    log.reset();
    log = OpenOrDie(env, d.path(), options);
    CheckHolds(*log, 1, 40);
  }
}

TEST_CASE("log recovery: a last segment cut anywhere before its second record is removed") {
  LogDir d(LogDir::Kind::kMem);
  Env* env = d.env();
  WriteLog(env, d.path(), OneRecordPerSegment(), 8);
  std::vector<std::string> files = SegmentFiles(env, d.path());
  REQUIRE(files.size() == 8);
  std::string last_path = JoinPath(d.path(), files.back());
  const std::string original = ReadAll(env, last_path);
  // Shorter than the header, header only, and a partial first record.
  for (uint64_t cut = 0; cut < original.size(); cut++) {
    CAPTURE(cut);
    WriteAll(env, last_path, original.substr(0, cut));
    EngineLogCapture capture;
    auto log = OpenOrDie(env, d.path(), OneRecordPerSegment());
    CheckHolds(*log, 1, 7);
    CHECK(log->NumSegments() == 7);
    CHECK_FALSE(env->FileExists(last_path));
    REQUIRE(capture.Lines().size() == 1);
    CHECK(capture.Lines()[0].find(last_path) != std::string::npos);
  }
}

TEST_CASE("log recovery: garbage after the last record is cut off") {
  LogDir d(LogDir::Kind::kMem);
  Env* env = d.env();
  LogOptions options;
  WriteLog(env, d.path(), options, 30);
  std::string path = JoinPath(d.path(), SegmentFiles(env, d.path()).back());
  const std::string original = ReadAll(env, path);

  std::mt19937_64 rng(11);
  std::vector<std::string> tails = {std::string(1, '\0'), std::string(4096, '\0'),
                                    std::string(25, '\xff')};
  for (int i = 0; i < 20; i++) {
    std::string random(1 + rng() % 200, '\0');
    for (char& c : random) {
      c = static_cast<char>(rng());
    }
    tails.push_back(random);
  }
  // A record header claiming the next index with a plausible length, whose bytes never came.
  std::string partial;
  EncodeLogRecord(TestRecord(31), &partial);
  tails.push_back(partial.substr(0, partial.size() - 1));

  for (const std::string& tail : tails) {
    CAPTURE(tail.size());
    WriteAll(env, path, original + tail);
    auto log = OpenOrDie(env, d.path(), options);
    CheckHolds(*log, 1, 30);
    CHECK(*env->GetFileSize(path) == original.size());
  }
}

TEST_CASE("log recovery: a damaged middle record of the last segment is Corruption") {
  LogDir d(LogDir::Kind::kPosix);
  Env* env = d.env();
  LogOptions options;
  WriteLog(env, d.path(), options, 20);
  std::string name = SegmentFiles(env, d.path()).back();
  std::string path = JoinPath(d.path(), name);
  const std::string original = ReadAll(env, path);
  const uint64_t start = RecordOffset(1, 10);
  const uint64_t end = RecordOffset(1, 11);
  // Every byte of record 10: crc, length, index, term, type, payload.
  for (uint64_t offset = start; offset < end; offset++) {
    CAPTURE(offset);
    WriteAll(env, path, original);
    FlipByte(env, path, offset);
    CheckCorruption(env, d.path(), options, name, start);
  }
  // The file was left alone: restoring it brings everything back.
  WriteAll(env, path, original);
  CheckHolds(*OpenOrDie(env, d.path(), options), 1, 20);
}

TEST_CASE("log recovery: damage in a segment that is not the last is Corruption") {
  LogDir d(LogDir::Kind::kMem);
  Env* env = d.env();
  WriteLog(env, d.path(), OneRecordPerSegment(), 10);
  std::vector<std::string> files = SegmentFiles(env, d.path());
  REQUIRE(files.size() == 10);
  std::string name = files[4];  // holds record 5, its only and last record
  std::string path = JoinPath(d.path(), name);
  const std::string original = ReadAll(env, path);

  SUBCASE("bit flip in the record") {
    FlipByte(env, path, kLogSegmentHeaderSize + 26);
    CheckCorruption(env, d.path(), OneRecordPerSegment(), name, kLogSegmentHeaderSize);
  }
  SUBCASE("record cut short") {
    WriteAll(env, path, original.substr(0, original.size() - 1));
    CheckCorruption(env, d.path(), OneRecordPerSegment(), name, kLogSegmentHeaderSize);
  }
  SUBCASE("garbage after the record") {
    WriteAll(env, path, original + "junk");
    CheckCorruption(env, d.path(), OneRecordPerSegment(), name, original.size());
  }
  SUBCASE("bit flip in the header") {
    FlipByte(env, path, 13);
    CheckCorruption(env, d.path(), OneRecordPerSegment(), name, 0);
  }
  SUBCASE("no records") {
    WriteAll(env, path, original.substr(0, kLogSegmentHeaderSize));
    CheckCorruption(env, d.path(), OneRecordPerSegment(), name, kLogSegmentHeaderSize);
  }
  SUBCASE("shorter than the header") {
    WriteAll(env, path, original.substr(0, 10));
    CheckCorruption(env, d.path(), OneRecordPerSegment(), name, 0);
  }
  SUBCASE("a missing segment leaves an index gap") {
    REQUIRE(env->RemoveFile(path).ok());
    CheckCorruption(env, d.path(), OneRecordPerSegment(), files[5], 0);
  }
  SUBCASE("the first segment is damaged") {
    name = files[0];
    path = JoinPath(d.path(), name);
    FlipByte(env, path, kLogSegmentHeaderSize + 2);
    CheckCorruption(env, d.path(), OneRecordPerSegment(), name, kLogSegmentHeaderSize);
  }
}

TEST_CASE("log recovery: a damaged header of a last segment holding records is Corruption") {
  LogDir d(LogDir::Kind::kMem);
  Env* env = d.env();
  WriteLog(env, d.path(), LogOptions(), 5);
  std::string name = SegmentFiles(env, d.path()).back();
  FlipByte(env, JoinPath(d.path(), name), 3);
  CheckCorruption(env, d.path(), LogOptions(), name, 0);
}

TEST_CASE("log recovery: records out of order or misnamed segments are Corruption") {
  LogDir d(LogDir::Kind::kMem);
  Env* env = d.env();

  SUBCASE("a valid record with the wrong index") {
    std::string data;
    EncodeLogSegmentHeader(1, &data);
    EncodeLogRecord(TestRecord(1), &data);
    uint64_t offset = data.size();
    EncodeLogRecord(TestRecord(3), &data);
    WriteAll(env, JoinPath(d.path(), LogSegmentFileName(1)), data);
    CheckCorruption(env, d.path(), LogOptions(), LogSegmentFileName(1), offset);
  }
  SUBCASE("a record repeated") {
    std::string data;
    EncodeLogSegmentHeader(1, &data);
    EncodeLogRecord(TestRecord(1), &data);
    uint64_t offset = data.size();
    EncodeLogRecord(TestRecord(1), &data);
    WriteAll(env, JoinPath(d.path(), LogSegmentFileName(1)), data);
    CheckCorruption(env, d.path(), LogOptions(), LogSegmentFileName(1), offset);
  }
  SUBCASE("a header naming another index than the file") {
    WriteLog(env, d.path(), LogOptions(), 3);
    REQUIRE(env->RenameFile(JoinPath(d.path(), LogSegmentFileName(1)),
                            JoinPath(d.path(), LogSegmentFileName(2)))
                .ok());
    CheckCorruption(env, d.path(), LogOptions(), LogSegmentFileName(2), 0);
  }
  SUBCASE("overlapping segments") {
    WriteLog(env, d.path(), OneRecordPerSegment(), 3);
    std::string data;
    EncodeLogSegmentHeader(2, &data);
    EncodeLogRecord(TestRecord(2), &data);
    EncodeLogRecord(TestRecord(3), &data);
    WriteAll(env, JoinPath(d.path(), LogSegmentFileName(2)), data);
    CheckCorruption(env, d.path(), OneRecordPerSegment(), LogSegmentFileName(3), 0);
  }
}

TEST_CASE("log recovery: other files in the directory are ignored") {
  LogDir d(LogDir::Kind::kMem);
  Env* env = d.env();
  WriteLog(env, d.path(), LogOptions(), 4);
  WriteAll(env, JoinPath(d.path(), "LOCK"), "");
  WriteAll(env, JoinPath(d.path(), "00000000000000000009.log.tmp"), "x");
  WriteAll(env, JoinPath(d.path(), "1.log"), "x");
  CheckHolds(*OpenOrDie(env, d.path(), LogOptions()), 1, 4);
}

TEST_CASE("log recovery: a segment of a newer format version is NotSupported") {
  LogDir d(LogDir::Kind::kMem);
  Env* env = d.env();
  std::string data(kLogSegmentMagic);
  PutFixed32(&data, kLogFormatVersion + 1);
  PutFixed64(&data, 1);
  PutFixed32(&data, crc32c::Mask(crc32c::Value(data)));
  WriteAll(env, JoinPath(d.path(), LogSegmentFileName(1)), data);
  auto log = SegmentedLog::Open(env, d.path(), LogOptions());
  REQUIRE_FALSE(log.ok());
  CHECK(log.status().code() == StatusCode::kNotSupported);
  CHECK(log.status().message().find(LogSegmentFileName(1)) != std::string::npos);
}

}  // namespace
}  // namespace blockdb
