#include "common/check.h"

#include <cstdio>
#include <cstdlib>

namespace blockdb::internal {

void CheckFailed(const char* cond, const char* file, int line, const char* msg) {
  // stderr rather than spdlog: this must work before logging is set up and while it is broken.
  std::fprintf(stderr, "FATAL %s:%d: check failed: %s%s%s\n", file, line, cond, msg ? ": " : "",
               msg ? msg : "");
  std::fflush(stderr);
  std::abort();
}

}  // namespace blockdb::internal
