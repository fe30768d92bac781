// TempDir: a fresh directory under /tmp for one test, removed with its contents at the end.
#pragma once

#include <stdlib.h>

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include "common/env.h"

namespace blockdb::testing {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/blockdb_test_XXXXXX";
    char* made = mkdtemp(tmpl);
    REQUIRE(made != nullptr);
    path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path()/name.
  std::string Join(std::string_view name) const { return JoinPath(path_, name); }
  // Writes (and syncs) a file named `name` in the directory; returns its path.
  std::string Write(std::string_view name, std::string_view contents) const {
    std::string file = Join(name);
    REQUIRE(WriteStringToFileSync(Env::Default(), contents, file).ok());
    return file;
  }

 private:
  std::string path_;
};

}  // namespace blockdb::testing
