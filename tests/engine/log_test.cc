// SegmentedLog API behaviour: round trips across segment rotations, reopen, truncation, index
// continuity, reads and scans. Recovery from damage is in log_recovery_test.cc, fault injection
// and simulated crashes in log_fault_test.cc.
#include "engine/log.h"

#include <doctest/doctest.h>

#include <atomic>
#include <random>
#include <thread>

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
using log_test::TestRecords;

// Small enough that a few hundred test records span dozens of segments.
LogOptions SmallSegments() {
  LogOptions options;
  options.segment_size = 300;
  return options;
}

TEST_CASE("log: empty log opens, reports empty, reads nothing") {
  LogDir d(LogDir::Kind::kPosix);
  std::string dir = d.path() + "/a/log";  // missing parents are created
  auto log = OpenOrDie(d.env(), dir, LogOptions());
  CHECK(log->FirstIndex() == 0);
  CHECK(log->LastIndex() == 0);
  CHECK(log->NumSegments() == 0);
  CHECK(log->SizeBytes() == 0);
  std::vector<LogRecord> out;
  CHECK(log->Read(1, 1, &out).code() == StatusCode::kOutOfRange);
  CHECK(log->Read(2, 1, &out).ok());
  int calls = 0;
  CHECK(log->Scan(1,
                  [&](const LogRecord&) {
                    calls++;
                    return Status::OK();
                  })
            .ok());
  CHECK(calls == 0);
  CHECK(log->Sync().ok());
  CHECK(log->Append({}).ok());
  CHECK(log->LastIndex() == 0);
}

TEST_CASE("log: append, read and scan round trip across many segment rotations") {
  for (LogDir::Kind kind : {LogDir::Kind::kMem, LogDir::Kind::kPosix}) {
    LogDir d(kind);
    auto log = OpenOrDie(d.env(), d.path(), SmallSegments());
    std::mt19937_64 rng(7);
    uint64_t next = 1;
    while (next <= 400) {
      uint64_t n = 1 + rng() % 5;
      AppendRange(log.get(), next, next + n - 1, n);
      next += n;
    }
    const uint64_t last = next - 1;
    CheckHolds(*log, 1, last);
    CHECK(log->NumSegments() > 20);
    CHECK(SegmentFiles(d.env(), d.path()).size() == log->NumSegments());
    CHECK(SegmentFiles(d.env(), d.path()).front() == "00000000000000000001.log");

    uint64_t bytes = 0;
    for (uint64_t i = 1; i <= last; i++) {
      bytes += LogRecordEncodedSize(TestRecord(i));
    }
    CHECK(log->SizeBytes() == bytes + log->NumSegments() * kLogSegmentHeaderSize);

    // Single records and ranges that start and end anywhere, crossing segment boundaries.
    for (int trial = 0; trial < 200; trial++) {
      uint64_t a = 1 + rng() % last;
      uint64_t b = std::min(last, a + rng() % 40);
      std::vector<LogRecord> out;
      REQUIRE(log->Read(a, b, &out).ok());
      REQUIRE(out == TestRecords(a, b));
    }

    for (uint64_t from : {uint64_t{0}, uint64_t{1}, uint64_t{2}, last / 2, last, last + 1}) {
      uint64_t expect = std::max<uint64_t>(from, 1);
      Status s = log->Scan(from, [&](const LogRecord& r) {
        CHECK(r == TestRecord(expect));
        expect++;
        return Status::OK();
      });
      CHECK(s.ok());
      CHECK(expect == std::max(last + 1, std::max<uint64_t>(from, 1)));
    }
  }
}

TEST_CASE("log: RotateBeforeNextAppend starts a new segment only when the active one has records") {
  LogDir d(LogDir::Kind::kMem);
  auto log = OpenOrDie(d.env(), d.path(), LogOptions());
  log->RotateBeforeNextAppend();  // nothing to rotate away from yet
  AppendRange(log.get(), 1, 10);
  CHECK(log->NumSegments() == 1);
  log->RotateBeforeNextAppend();
  log->RotateBeforeNextAppend();  // asking twice still rotates once
  AppendRange(log.get(), 11, 20);
  CHECK(log->NumSegments() == 2);
  AppendRange(log.get(), 21, 30);
  CHECK(log->NumSegments() == 2);
  REQUIRE(log->Sync().ok());
  REQUIRE(log->TruncatePrefix(10).ok());  // the first segment holds exactly 1..10
  CHECK(log->FirstIndex() == 11);
  CHECK(log->NumSegments() == 1);
  CheckHolds(*log, 11, 30);
}

TEST_CASE("log: a batch larger than the segment size stays in one segment") {
  LogDir d(LogDir::Kind::kMem);
  auto log = OpenOrDie(d.env(), d.path(), SmallSegments());
  AppendRange(log.get(), 1, 40, 40);
  CHECK(log->NumSegments() == 1);
  AppendRange(log.get(), 41, 41);
  CHECK(log->NumSegments() == 2);
  CHECK(SegmentFiles(d.env(), d.path()).back() == "00000000000000000041.log");
  CheckHolds(*log, 1, 41);
}

TEST_CASE("log: reopen sees every synced record and continues the sequence") {
  for (LogDir::Kind kind : {LogDir::Kind::kMem, LogDir::Kind::kPosix}) {
    LogDir d(kind);
    {
      auto log = OpenOrDie(d.env(), d.path(), SmallSegments());
      AppendRange(log.get(), 1, 150, 3);
      REQUIRE(log->Sync().ok());
    }
    auto log = OpenOrDie(d.env(), d.path(), SmallSegments());
    CheckHolds(*log, 1, 150);
    size_t segments = log->NumSegments();
    uint64_t size = log->SizeBytes();
    CHECK(log->Append({TestRecord(152)}).IsInvalidArgument());
    AppendRange(log.get(), 151, 200, 4);
    REQUIRE(log->Sync().ok());
    CHECK(log->NumSegments() > segments);
    CHECK(log->SizeBytes() > size);
    log.reset();
    log = OpenOrDie(d.env(), d.path(), SmallSegments());
    CheckHolds(*log, 1, 200);
  }
}

TEST_CASE("log: reopen with a larger segment size keeps appending to the last segment") {
  LogDir d(LogDir::Kind::kPosix);
  {
    auto log = OpenOrDie(d.env(), d.path(), LogOptions());
    AppendRange(log.get(), 1, 10);
    REQUIRE(log->Sync().ok());
  }
  auto log = OpenOrDie(d.env(), d.path(), LogOptions());
  AppendRange(log.get(), 11, 20);
  REQUIRE(log->Sync().ok());
  CHECK(log->NumSegments() == 1);
  log.reset();
  log = OpenOrDie(d.env(), d.path(), LogOptions());
  CheckHolds(*log, 1, 20);
}

TEST_CASE("log: index continuity is enforced and a refused append writes nothing") {
  LogDir d(LogDir::Kind::kMem);
  auto log = OpenOrDie(d.env(), d.path(), SmallSegments());
  CHECK(log->Append({TestRecord(0)}).IsInvalidArgument());  // indexes start at 1
  // An empty log accepts any start.
  REQUIRE(log->Append({TestRecord(100), TestRecord(101)}).ok());
  CHECK(log->FirstIndex() == 100);
  uint64_t size = log->SizeBytes();

  CHECK(log->Append({TestRecord(101)}).IsInvalidArgument());                   // repeat
  CHECK(log->Append({TestRecord(103)}).IsInvalidArgument());                   // gap
  CHECK(log->Append({TestRecord(102), TestRecord(104)}).IsInvalidArgument());  // gap inside
  CHECK(log->Append({TestRecord(102), TestRecord(102)}).IsInvalidArgument());  // repeat inside
  LogRecord huge = TestRecord(102);
  huge.payload.assign(kLogMaxPayload + 1, 'x');
  Status s = log->Append({huge});
  CHECK(s.IsInvalidArgument());
  CHECK(log->LastIndex() == 101);
  CHECK(log->SizeBytes() == size);

  // The log is not failed by refused appends.
  REQUIRE(log->Append({TestRecord(102)}).ok());
  REQUIRE(log->Sync().ok());
  log.reset();
  log = OpenOrDie(d.env(), d.path(), SmallSegments());
  CheckHolds(*log, 100, 102);
}

TEST_CASE("log: a record of the maximum payload size round trips") {
  LogDir d(LogDir::Kind::kMem);
  auto log = OpenOrDie(d.env(), d.path(), LogOptions());
  LogRecord big{1, 5, 1, std::string(kLogMaxPayload, 'b')};
  big.payload[12345] = 'c';
  REQUIRE(log->Append({big}).ok());
  REQUIRE(log->Sync().ok());
  log.reset();
  log = OpenOrDie(d.env(), d.path(), LogOptions());
  std::vector<LogRecord> out;
  REQUIRE(log->Read(1, 1, &out).ok());
  REQUIRE(out.size() == 1);
  CHECK(out[0] == big);
}

TEST_CASE("log: reads outside the held range are OutOfRange") {
  LogDir d(LogDir::Kind::kMem);
  auto log = OpenOrDie(d.env(), d.path(), SmallSegments());
  AppendRange(log.get(), 5, 50, 2);
  std::vector<LogRecord> out;
  CHECK(log->Read(4, 6, &out).code() == StatusCode::kOutOfRange);
  CHECK(log->Read(50, 51, &out).code() == StatusCode::kOutOfRange);
  CHECK(log->Read(51, 51, &out).code() == StatusCode::kOutOfRange);
  CHECK(log->Read(0, 0, &out).code() == StatusCode::kOutOfRange);
  out.clear();
  REQUIRE(log->Read(5, 5, &out).ok());
  REQUIRE(log->Read(50, 50, &out).ok());
  CHECK(out == std::vector<LogRecord>{TestRecord(5), TestRecord(50)});
}

TEST_CASE("log: scan stops at the first error its callback returns") {
  LogDir d(LogDir::Kind::kMem);
  auto log = OpenOrDie(d.env(), d.path(), SmallSegments());
  AppendRange(log.get(), 1, 60, 6);
  std::vector<uint64_t> seen;
  Status s = log->Scan(10, [&](const LogRecord& r) {
    seen.push_back(r.index);
    // The callback may call into the log: it runs without the log's locks held.
    CHECK(log->LastIndex() == 60);
    return r.index == 33 ? Status::Aborted("enough") : Status::OK();
  });
  CHECK(s.code() == StatusCode::kAborted);
  CHECK(s.message() == "enough");
  CHECK(seen.size() == 24);
  CHECK(seen.back() == 33);
}

TEST_CASE("log: TruncateSuffix inside a segment, at a segment start, and of everything") {
  LogDir d(LogDir::Kind::kMem);
  Env* env = d.env();
  auto log = OpenOrDie(env, d.path(), SmallSegments());
  AppendRange(log.get(), 1, 120, 2);
  REQUIRE(log->Sync().ok());
  size_t segments = log->NumSegments();

  SUBCASE("inside the last segment") {
    REQUIRE(log->TruncateSuffix(119).ok());
    CheckHolds(*log, 1, 118);
    CHECK(log->NumSegments() == segments);
  }
  SUBCASE("several segments back, inside a segment") {
    REQUIRE(log->TruncateSuffix(37).ok());
    CheckHolds(*log, 1, 36);
    CHECK(log->NumSegments() < segments);
    CHECK(SegmentFiles(env, d.path()).size() == log->NumSegments());
  }
  SUBCASE("at the first record of a segment") {
    std::vector<std::string> files = SegmentFiles(env, d.path());
    uint64_t start = 0;
    REQUIRE(ParseLogSegmentFileName(files[files.size() / 2], &start));
    REQUIRE(log->TruncateSuffix(start).ok());
    CheckHolds(*log, 1, start - 1);
    CHECK(SegmentFiles(env, d.path()).size() == files.size() / 2);
  }
  SUBCASE("beyond the end: nothing happens") {
    REQUIRE(log->TruncateSuffix(121).ok());
    CheckHolds(*log, 1, 120);
  }
  SUBCASE("everything") {
    REQUIRE(log->TruncateSuffix(1).ok());
    CheckHolds(*log, 1, 0);
    CHECK(log->NumSegments() == 0);
    CHECK(SegmentFiles(env, d.path()).empty());
    // An empty log takes any start again.
    REQUIRE(log->Append({TestRecord(7)}).ok());
    REQUIRE(log->TruncateSuffix(0).ok());
    CHECK(log->LastIndex() == 0);
    REQUIRE(log->Append({TestRecord(1)}).ok());
    AppendRange(log.get(), 2, 30);
    CheckHolds(*log, 1, 30);
    REQUIRE(log->Sync().ok());
  }

  // Appends continue right after the cut (replacing the removed records), and survive reopen.
  uint64_t last = log->LastIndex();
  AppendRange(log.get(), last + 1, last + 25, 5);
  REQUIRE(log->Sync().ok());
  log.reset();
  log = OpenOrDie(env, d.path(), SmallSegments());
  CheckHolds(*log, 1, last + 25);
}

TEST_CASE("log: TruncatePrefix deletes whole old segments and never the active one") {
  LogDir d(LogDir::Kind::kMem);
  Env* env = d.env();
  auto log = OpenOrDie(env, d.path(), SmallSegments());
  AppendRange(log.get(), 1, 120, 3);
  REQUIRE(log->Sync().ok());
  size_t segments = log->NumSegments();

  REQUIRE(log->TruncatePrefix(0).ok());
  CHECK(log->NumSegments() == segments);

  REQUIRE(log->TruncatePrefix(50).ok());
  uint64_t first = log->FirstIndex();
  CHECK(first > 1);
  CHECK(first <= 51);  // the segment holding 51 stays
  CheckHolds(*log, first, 120);
  CHECK(SegmentFiles(env, d.path()).size() == log->NumSegments());
  std::vector<LogRecord> out;
  CHECK(log->Read(first - 1, first, &out).code() == StatusCode::kOutOfRange);
  // Scan from below the first index visits what is held.
  uint64_t expect = first;
  REQUIRE(log->Scan(1,
                    [&](const LogRecord& r) {
                      CHECK(r.index == expect++);
                      return Status::OK();
                    })
              .ok());
  CHECK(expect == 121);

  log.reset();
  log = OpenOrDie(env, d.path(), SmallSegments());
  CheckHolds(*log, first, 120);

  // Everything but the active segment.
  REQUIRE(log->TruncatePrefix(1000).ok());
  CHECK(log->NumSegments() == 1);
  CHECK(log->LastIndex() == 120);
  first = log->FirstIndex();
  AppendRange(log.get(), 121, 130);
  REQUIRE(log->Sync().ok());
  log.reset();
  log = OpenOrDie(env, d.path(), SmallSegments());
  CheckHolds(*log, first, 130);
}

TEST_CASE("log: after TruncatePrefix an emptied log only restarts above the prefix point") {
  LogDir d(LogDir::Kind::kMem);
  auto log = OpenOrDie(d.env(), d.path(), SmallSegments());
  AppendRange(log.get(), 1, 60, 3);
  REQUIRE(log->TruncatePrefix(40).ok());
  REQUIRE(log->TruncateSuffix(log->FirstIndex()).ok());
  CHECK(log->LastIndex() == 0);
  CHECK(log->Append({TestRecord(40)}).IsInvalidArgument());
  REQUIRE(log->Append({TestRecord(41)}).ok());
  CheckHolds(*log, 41, 41);
}

TEST_CASE(
    "log: a record damaged on disk after open is Corruption on read, naming file and offset") {
  LogDir d(LogDir::Kind::kMem);
  auto log = OpenOrDie(d.env(), d.path(), LogOptions());
  AppendRange(log.get(), 1, 10);
  REQUIRE(log->Sync().ok());
  std::string path = JoinPath(d.path(), LogSegmentFileName(1));
  uint64_t offset = kLogSegmentHeaderSize;
  for (uint64_t i = 1; i < 4; i++) {
    offset += LogRecordEncodedSize(TestRecord(i));
  }
  REQUIRE(d.mem()->CorruptByte(path, offset + 20, 0x01).ok());  // the term of record 4
  std::vector<LogRecord> out;
  Status s = log->Read(4, 4, &out);
  CHECK(s.IsCorruption());
  CHECK(s.message() ==
        "log segment " + path + " offset " + std::to_string(offset) + ": record checksum mismatch");
  s = log->Scan(1, [](const LogRecord&) { return Status::OK(); });
  CHECK(s.IsCorruption());
  out.clear();
  REQUIRE(log->Read(5, 10, &out).ok());  // the records around it are fine
  CHECK(out == TestRecords(5, 10));
}

TEST_CASE("log concurrency: readers and scans run while one writer appends and syncs") {
  LogDir d(LogDir::Kind::kMem);
  auto log = OpenOrDie(d.env(), d.path(), SmallSegments());
  AppendRange(log.get(), 1, 10);
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  auto reader = [&](uint64_t seed) {
    std::mt19937_64 rng(seed);
    while (!done.load()) {
      uint64_t last = log->LastIndex();
      uint64_t a = 1 + rng() % last;
      std::vector<LogRecord> out;
      if (!log->Read(a, last, &out).ok() || out != TestRecords(a, last)) {
        failures++;
      }
      uint64_t expect = a;
      Status s = log->Scan(a, [&](const LogRecord& r) {
        return r == TestRecord(expect++) ? Status::OK() : Status::Corruption("mismatch");
      });
      if (!s.ok() || expect <= last) {
        failures++;
      }
    }
  };
  std::thread r1(reader, 1);
  std::thread r2(reader, 2);
  for (uint64_t i = 11; i <= 398; i += 3) {
    REQUIRE(log->Append(TestRecords(i, i + 2)).ok());
    if (i % 30 == 2) {
      REQUIRE(log->Sync().ok());
    }
  }
  done = true;
  r1.join();
  r2.join();
  CHECK(failures.load() == 0);
  CheckHolds(*log, 1, 400);
}

}  // namespace
}  // namespace blockdb
