#include "engine/manifest.h"

#include <doctest/doctest.h>

#include <string>

#include "common/coding.h"
#include "db_test_util.h"

namespace blockdb {
namespace {

using db_test::TempDir;

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) {
    out.push_back(static_cast<char>(b));
  }
  return out;
}

// The worked example of docs/format/manifest.md.
ManifestState ExampleState() {
  ManifestState state;
  state.next_file_number = 5;
  state.applied_index = 42;
  state.levels[0].push_back(FileMetaData{4, 1000, 10, "a", "k"});
  state.levels[1].push_back(FileMetaData{2, 3000, 30, "a", "z"});
  return state;
}

const std::string kExampleBytes = Bytes(
    {0x42, 0x44, 0x42, 0x4d, 0x4e, 0x46, 0x53, 0x54, 0x01, 0x00, 0x00, 0x00, 0x1a, 0x00, 0x00, 0x00,
     0x05, 0x2a, 0x07, 0x01, 0x04, 0xe8, 0x07, 0x0a, 0x01, 0x61, 0x01, 0x6b, 0x01, 0x02, 0xb8, 0x17,
     0x1e, 0x01, 0x61, 0x01, 0x7a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x63, 0xfa, 0x48, 0xf2});

TEST_CASE("manifest: golden bytes match docs/format/manifest.md") {
  std::string encoded;
  EncodeManifest(ExampleState(), &encoded);
  CHECK(ToHex(encoded) == ToHex(kExampleBytes));
  ManifestState decoded;
  REQUIRE(DecodeManifest(kExampleBytes, "MANIFEST", &decoded).ok());
  CHECK(decoded == ExampleState());
}

TEST_CASE("manifest: round trip of a large state") {
  ManifestState state;
  state.next_file_number = 100000;
  state.applied_index = ~0ULL;
  uint64_t number = 1;
  for (int level = 0; level < kNumLevels; ++level) {
    for (int i = 0; i < 50; ++i) {
      std::string smallest = std::string(1, static_cast<char>(level)) + std::to_string(1000 + i);
      std::string largest = smallest + std::string("\0\xff", 2);
      state.levels[level].push_back(FileMetaData{number++, 1ULL << 40, 12345, smallest, largest});
    }
  }
  std::string encoded;
  EncodeManifest(state, &encoded);
  ManifestState decoded;
  REQUIRE(DecodeManifest(encoded, "MANIFEST", &decoded).ok());
  CHECK(decoded == state);
}

TEST_CASE("manifest: every byte flip and truncation is Corruption naming file and offset") {
  std::string good;
  EncodeManifest(ExampleState(), &good);
  ManifestState decoded;
  for (size_t i = 0; i < good.size(); ++i) {
    for (int mask : {0x01, 0x80, 0xff}) {
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      Status s = DecodeManifest(bad, "MANIFEST", &decoded);
      REQUIRE_MESSAGE(s.IsCorruption(), "byte ", i, " mask ", mask);
      CHECK(s.message().find("MANIFEST") != std::string::npos);
    }
  }
  for (size_t len = 0; len < good.size(); ++len) {
    Status s = DecodeManifest(std::string_view(good).substr(0, len), "MANIFEST", &decoded);
    REQUIRE_MESSAGE(s.IsCorruption(), "length ", len);
  }
  std::string bad = good;
  bad[42] ^= 1;  // the CRC itself
  Status s = DecodeManifest(bad, "MANIFEST", &decoded);
  CHECK(s.message() == "MANIFEST offset 42: checksum mismatch");
  bad = good;
  bad[0] = 'X';
  CHECK(DecodeManifest(bad, "MANIFEST", &decoded).message() == "MANIFEST offset 0: bad magic");
}

TEST_CASE("manifest: inconsistent states are Corruption") {
  ManifestState decoded;
  std::string encoded;
  ManifestState overlap = ExampleState();
  overlap.levels[1].push_back(FileMetaData{3, 10, 1, "m", "zz"});  // overlaps "a".."z"
  EncodeManifest(overlap, &encoded);
  CHECK(DecodeManifest(encoded, "MANIFEST", &decoded).IsCorruption());

  ManifestState reused = ExampleState();
  reused.levels[2].push_back(FileMetaData{4, 10, 1, "a", "b"});
  encoded.clear();
  EncodeManifest(reused, &encoded);
  CHECK(DecodeManifest(encoded, "MANIFEST", &decoded).IsCorruption());

  ManifestState beyond = ExampleState();
  beyond.levels[2].push_back(FileMetaData{5, 10, 1, "a", "b"});  // >= next_file_number
  encoded.clear();
  EncodeManifest(beyond, &encoded);
  CHECK(DecodeManifest(encoded, "MANIFEST", &decoded).IsCorruption());
}

TEST_CASE("manifest: write replaces atomically and read returns it") {
  TempDir dir;
  Env* env = Env::Default();
  ManifestState state;
  CHECK(ReadManifest(env, dir.path(), &state).IsNotFound());
  REQUIRE(WriteManifest(env, dir.path(), ExampleState()).ok());
  REQUIRE(ReadManifest(env, dir.path(), &state).ok());
  CHECK(state == ExampleState());
  CHECK_FALSE(env->FileExists(JoinPath(dir.path(), kManifestTempFileName)));

  // A stale temporary file left by an interrupted write is simply overwritten.
  REQUIRE(WriteStringToFileSync(env, "partial garbage", JoinPath(dir.path(), "MANIFEST.tmp")).ok());
  ManifestState next = ExampleState();
  next.applied_index = 43;
  next.next_file_number = 6;
  next.levels[0].push_back(FileMetaData{5, 10, 1, "b", "c"});
  REQUIRE(WriteManifest(env, dir.path(), next).ok());
  REQUIRE(ReadManifest(env, dir.path(), &state).ok());
  CHECK(state == next);
}

TEST_CASE("manifest: table file names") {
  CHECK(TableFileName(12) == "000012.sst");
  CHECK(TableFileName(1234567) == "1234567.sst");
  uint64_t n = 0;
  REQUIRE(ParseTableFileName("000012.sst", &n));
  CHECK(n == 12);
  CHECK_FALSE(ParseTableFileName("MANIFEST", &n));
  CHECK_FALSE(ParseTableFileName(".sst", &n));
  CHECK_FALSE(ParseTableFileName("00a012.sst", &n));
  CHECK_FALSE(ParseTableFileName("000012.sst.tmp", &n));
}

}  // namespace
}  // namespace blockdb
