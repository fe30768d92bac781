#include "common/sha256.h"

#include <doctest/doctest.h>

#include <random>
#include <thread>
#include <vector>

#include "common/coding.h"

namespace blockdb {
namespace {

std::string Hex(const Hash256& h) { return ToHex(AsBytes(h)); }

// FIPS 180-2 / NIST CSHS example vectors.
constexpr const char* kEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* kAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr const char* k448Message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
constexpr const char* k448 = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
constexpr const char* kMillionA =
    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

TEST_CASE("sha256 NIST vectors, one shot") {
  CHECK(Hex(Sha256("")) == kEmpty);
  CHECK(Hex(Sha256("abc")) == kAbc);
  CHECK(Hex(Sha256(k448Message)) == k448);
  CHECK(Hex(Sha256(std::string(1000000, 'a'))) == kMillionA);
}

TEST_CASE("sha256 of parts equals the digest of their concatenation") {
  CHECK(Hex(Sha256({"a", "", "bc"})) == kAbc);
  CHECK(Hex(Sha256({})) == kEmpty);
  CHECK(Sha256({"abcdbcdecdef", "defgefghfghighijhijkijkl", "jklmklmnlmnomnopnopq"}) ==
        Sha256(k448Message));
}

TEST_CASE("Sha256Hasher: multipart equals one-shot, and it is reusable after Finish") {
  Sha256Hasher h;
  CHECK(Hex(h.Finish()) == kEmpty);
  h.Update("ab");
  h.Update("c");
  CHECK(Hex(h.Finish()) == kAbc);
  for (int i = 0; i < 1000; ++i) {
    h.Update(std::string(1000, 'a'));
  }
  CHECK(Hex(h.Finish()) == kMillionA);

  std::mt19937 rng(5);
  std::string data(10000, '\0');
  for (char& c : data) {
    c = static_cast<char>(rng());
  }
  for (int trial = 0; trial < 20; ++trial) {
    size_t pos = 0;
    while (pos < data.size()) {
      size_t n = std::min<size_t>(rng() % 300, data.size() - pos);
      h.Update(std::string_view(data).substr(pos, n));
      pos += n;
    }
    CHECK(h.Finish() == Sha256(data));
  }
}

TEST_CASE("sha256 one-shot is safe from several threads") {
  const Hash256 expected = Sha256(k448Message);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        if (Sha256(k448Message) != expected) {
          ++mismatches[t];
        }
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  CHECK(mismatches == std::vector<int>(4, 0));
}

}  // namespace
}  // namespace blockdb
