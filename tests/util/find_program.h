// FindProgram: the path of an executable found on PATH, for tests that drive installed tools
// (psql, openssl) through Subprocess, which takes a path.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <string>

namespace blockdb::testing {

// "" when no directory of PATH holds an executable called `name`.
inline std::string FindProgram(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  size_t start = 0;
  for (;;) {
    size_t end = dirs.find(':', start);
    std::string dir =
        dirs.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    if (end == std::string::npos) {
      return "";
    }
    start = end + 1;
  }
}

}  // namespace blockdb::testing
