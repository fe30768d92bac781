#include "common/huge_page_allocator.h"

#include <sys/mman.h>

namespace blockdb::huge_page_internal {

void* AllocateHuge(size_t bytes) {
  void* p = std::aligned_alloc(kHugePage, bytes);
  if (p == nullptr) {
    throw std::bad_alloc();
  }
#if defined(MADV_HUGEPAGE)
  // Advice only: an error (huge pages not supported) leaves ordinary pages.
  (void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
  return p;
}

}  // namespace blockdb::huge_page_internal
