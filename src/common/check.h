// BLOCKDB_CHECK: invariants that stay on in release builds.
//
// A failed check is a bug in BlockDB, never a consequence of input: data from the network or the
// disk is validated and reported as a Status instead. On failure the process logs the condition
// with file and line to stderr and aborts.
#pragma once

namespace blockdb::internal {
[[noreturn]] void CheckFailed(const char* cond, const char* file, int line, const char* msg);
}  // namespace blockdb::internal

#define BLOCKDB_CHECK(cond)                                                  \
  do {                                                                       \
    if (!(cond)) [[unlikely]] {                                              \
      ::blockdb::internal::CheckFailed(#cond, __FILE__, __LINE__, nullptr);  \
    }                                                                        \
  } while (0)

#define BLOCKDB_CHECK_MSG(cond, msg)                                     \
  do {                                                                   \
    if (!(cond)) [[unlikely]] {                                          \
      ::blockdb::internal::CheckFailed(#cond, __FILE__, __LINE__, msg);  \
    }                                                                    \
  } while (0)

// For errors after which continuing could lose acknowledged data (a failed fsync: the kernel may
// already have dropped the dirty pages, so a retry could report success for data that is gone).
#define BLOCKDB_FATAL(msg) ::blockdb::internal::CheckFailed("fatal", __FILE__, __LINE__, msg)
