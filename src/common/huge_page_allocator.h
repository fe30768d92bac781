// An allocator for large buffers that are read in random order (VERIFY's join of leaves to rows):
// blocks of 2 MiB and more are aligned to 2 MiB and marked MADV_HUGEPAGE, so that the kernel backs
// them with transparent huge pages where it can. With 4 KiB pages every random access to a
// buffer of hundreds of MiB also misses the TLB; with 2 MiB pages almost none do. Smaller blocks,
// and systems where transparent huge pages are off, get ordinary memory: the hint only changes
// speed.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>

namespace blockdb {

namespace huge_page_internal {
inline constexpr size_t kHugePage = size_t{2} << 20;
// Allocates `bytes` (a multiple of kHugePage) aligned to kHugePage and advises huge pages; throws
// std::bad_alloc when out of memory.
void* AllocateHuge(size_t bytes);
}  // namespace huge_page_internal

template <typename T>
struct HugePageAllocator {
  using value_type = T;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}

  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < huge_page_internal::kHugePage) {
      return static_cast<T*>(::operator new(bytes));
    }
    const size_t rounded = (bytes + huge_page_internal::kHugePage - 1) /
                           huge_page_internal::kHugePage * huge_page_internal::kHugePage;
    return static_cast<T*>(huge_page_internal::AllocateHuge(rounded));
  }

  void deallocate(T* p, size_t n) {
    if (n * sizeof(T) < huge_page_internal::kHugePage) {
      ::operator delete(p);
    } else {
      std::free(p);
    }
  }

  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const {
    return true;
  }
};

}  // namespace blockdb
