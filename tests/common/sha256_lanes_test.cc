#include "common/sha256_lanes.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "common/coding.h"

namespace blockdb {
namespace {

// Runs the body with the interleaved lanes (where the CPU has them) and with the OpenSSL fallback,
// restoring the CPU's choice afterwards.
template <typename F>
void ForBothPaths(F body) {
  for (bool interleave : {true, false}) {
    SetSha256ManyInterleavedForTesting(interleave);
    CAPTURE(interleave);
    body();
  }
  SetSha256ManyInterleavedForTesting(true);
}

// `n` bytes drawn from `rng`.
std::string RandomBytes(std::mt19937_64& rng, size_t n) {
  std::string bytes(n, '\0');
  for (char& c : bytes) {
    c = static_cast<char>(rng());
  }
  return bytes;
}

std::vector<Hash256> HashAll(const std::vector<std::string_view>& messages) {
  std::vector<Hash256> out(messages.size());
  Sha256Many(messages, out);
  return out;
}

TEST_CASE("Sha256Many: NIST vectors in every lane") {
  const std::string million(1000000, 'a');
  ForBothPaths([&] {
    const std::vector<std::string_view> messages = {
        "abc", "", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", million, "abc"};
    const std::vector<Hash256> out = HashAll(messages);
    CHECK(ToHex(AsBytes(out[0])) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(ToHex(AsBytes(out[1])) ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(ToHex(AsBytes(out[2])) ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(ToHex(AsBytes(out[3])) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    CHECK(out[4] == out[0]);
  });
}

TEST_CASE("Sha256Many equals Sha256 for every length up to five blocks, in every lane") {
  std::mt19937_64 rng(20261206);
  const std::string bytes = RandomBytes(rng, 400);
  ForBothPaths([&] {
    // A full set of lanes of the same length: every padding case (a tail of 0..63 bytes, one or
    // two padding blocks) in every lane.
    for (size_t len = 0; len <= 5 * 64; ++len) {
      std::vector<std::string_view> messages;
      for (size_t l = 0; l < kSha256Lanes; ++l) {
        messages.push_back(std::string_view(bytes).substr(l * 17 % 64, len));
      }
      const std::vector<Hash256> out = HashAll(messages);
      for (size_t l = 0; l < messages.size(); ++l) {
        CAPTURE(len);
        CAPTURE(l);
        CHECK(out[l] == Sha256(messages[l]));
      }
    }
  });
}

TEST_CASE("Sha256Many: lanes of different lengths and batches of every size") {
  std::mt19937_64 rng(7);
  const std::string bytes = RandomBytes(rng, 2000);
  ForBothPaths([&] {
    for (size_t count = 0; count <= 11; ++count) {
      for (int trial = 0; trial < 50; ++trial) {
        std::vector<std::string_view> messages;
        for (size_t i = 0; i < count; ++i) {
          const size_t len = rng() % 700;
          const size_t at = rng() % (bytes.size() - len);
          messages.push_back(std::string_view(bytes).substr(at, len));
        }
        const std::vector<Hash256> out = HashAll(messages);
        for (size_t i = 0; i < count; ++i) {
          CAPTURE(count);
          CAPTURE(messages[i].size());
          CHECK(out[i] == Sha256(messages[i]));
        }
      }
    }
  });
}

TEST_CASE("Sha256Many writes only the digests of its messages") {
  const Hash256 sentinel = Sha256("sentinel");
  std::vector<Hash256> out(6, sentinel);
  const std::vector<std::string_view> messages = {"a", "b", "c"};
  Sha256Many(messages, out);
  CHECK(out[0] == Sha256("a"));
  CHECK(out[2] == Sha256("c"));
  CHECK(out[3] == sentinel);
  CHECK(out[5] == sentinel);
}

}  // namespace
}  // namespace blockdb
