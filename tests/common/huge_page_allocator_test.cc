#include "common/huge_page_allocator.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

namespace blockdb {
namespace {

constexpr uint64_t kMul = 2654435761;

TEST_CASE("HugePageAllocator: small and large vectors hold their elements, and large ones are 2 MiB aligned") {
  std::vector<uint64_t, HugePageAllocator<uint64_t>> v;
  // Grows through small blocks (operator new) into large ones (2 MiB aligned), copying on the way.
  for (uint64_t i = 0; i < 3 * (1 << 20) / 8 + 5; ++i) {
    v.push_back(i * kMul);
  }
  CHECK(reinterpret_cast<uintptr_t>(v.data()) % (2u << 20) == 0);
  bool intact = true;
  for (uint64_t i = 0; i < v.size(); ++i) {
    intact = intact && v[i] == i * kMul;
  }
  CHECK(intact);
  v.resize(10);
  v.shrink_to_fit();  // back to a small block
  CHECK(v.size() == 10);
  CHECK(v[9] == 9 * kMul);
  std::vector<char, HugePageAllocator<char>> small(100, 'x');
  CHECK(small[99] == 'x');
}

}  // namespace
}  // namespace blockdb
