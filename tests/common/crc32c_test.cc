#include "common/crc32c.h"

#include <doctest/doctest.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "common/internal/crc32c_impl.h"

namespace blockdb::crc32c {
namespace {

using ExtendFn = std::function<uint32_t(uint32_t, const char*, size_t)>;

// Both implementations, plus the dispatching entry point. The hardware one only where the CPU
// has it (calling it otherwise would fault with an illegal instruction).
std::vector<std::pair<std::string, ExtendFn>> Implementations() {
  std::vector<std::pair<std::string, ExtendFn>> out = {
      {"Extend", Extend},
      {"portable", internal::ExtendPortable},
  };
  if (internal::HardwareAvailable()) {
    out.emplace_back("sse4.2", internal::ExtendHardware);
  }
  return out;
}

TEST_CASE("crc32c known-answer vectors (check value and RFC 3720)") {
  std::string ascending;
  for (int i = 0; i < 32; ++i) {
    ascending += static_cast<char>(i);
  }
  std::string descending;
  for (int i = 31; i >= 0; --i) {
    descending += static_cast<char>(i);
  }
  struct Vector {
    std::string data;
    uint32_t crc;
  };
  std::vector<Vector> vectors = {
      {"", 0},
      {"123456789", 0xe3069283u},
      {std::string(32, '\0'), 0x8a9136aau},
      {std::string(32, '\xff'), 0x62a8ab43u},
      {ascending, 0x46dd794eu},
      {descending, 0x113fdb5cu},
  };
  for (const auto& [name, fn] : Implementations()) {
    CAPTURE(name);
    for (const Vector& v : vectors) {
      CHECK(fn(0, v.data.data(), v.data.size()) == v.crc);
    }
  }
  CHECK(Value("123456789") == 0xe3069283u);
}

TEST_CASE("crc32c Extend over split input equals the whole") {
  std::mt19937 rng(7);
  std::string data(1000, '\0');
  for (char& c : data) {
    c = static_cast<char>(rng());
  }
  uint32_t whole = Value(data);
  for (const auto& [name, fn] : Implementations()) {
    CAPTURE(name);
    for (size_t split : {size_t{0}, size_t{1}, size_t{7}, size_t{8}, size_t{9}, size_t{500},
                         size_t{999}, size_t{1000}}) {
      uint32_t a = fn(0, data.data(), split);
      CHECK(fn(a, data.data() + split, data.size() - split) == whole);
    }
  }
  CHECK(Extend(Value("hello "), "world", 5) == Value("hello world"));
}

TEST_CASE("crc32c Mask and Unmask") {
  uint32_t crc = Value("foo");
  CHECK(Mask(crc) != crc);
  CHECK(Mask(Mask(crc)) != crc);
  CHECK(Unmask(Mask(crc)) == crc);
  CHECK(Unmask(Unmask(Mask(Mask(crc)))) == crc);
  std::mt19937 rng(3);
  for (int i = 0; i < 1000; ++i) {
    uint32_t v = static_cast<uint32_t>(rng());
    CHECK(Unmask(Mask(v)) == v);
  }
}

TEST_CASE("crc32c hardware and portable paths agree on random data") {
  if (!internal::HardwareAvailable()) {
    MESSAGE("CPU without SSE4.2: only the portable path is exercised");
    return;
  }
  std::mt19937_64 rng(11);
  std::string buf(4096 + 16, '\0');
  for (char& c : buf) {
    c = static_cast<char>(rng());
  }
  // Every start alignment and many lengths, so each head/body/tail combination is covered.
  for (int i = 0; i < 2000; ++i) {
    size_t start = rng() % 16;
    size_t len = (i < 200) ? static_cast<size_t>(i) : rng() % 4096;
    uint32_t init = (i % 2 == 0) ? 0 : static_cast<uint32_t>(rng());
    const char* p = buf.data() + start;
    CHECK(internal::ExtendHardware(init, p, len) == internal::ExtendPortable(init, p, len));
  }
}

}  // namespace
}  // namespace blockdb::crc32c
