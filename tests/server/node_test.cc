#include "server/node.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "common/env.h"
#include "engine/db.h"
#include "util/temp_dir.h"

namespace blockdb {
namespace {

using ::blockdb::testing::TempDir;

Config ConfigFor(const std::string& data_dir) {
  Config config;
  config.database.data_dir = data_dir;
  config.server.port = 0;  // the node starts its listeners: never a fixed port
  config.server.http_port = 0;
  return config;
}

TEST_CASE("node: Start creates and locks the data directory, Stop releases it") {
  TempDir tmp;
  std::string dir = tmp.Join("a/b/data");
  Node node(ConfigFor(dir));
  CHECK(node.state() == Node::State::kCreated);
  CHECK(node.db() == nullptr);

  REQUIRE(node.Start().ok());
  CHECK(node.state() == Node::State::kRunning);
  CHECK(Env::Default()->FileExists(dir));
  CHECK(Env::Default()->FileExists(JoinPath(dir, Node::kLockFileName)));
  REQUIRE(node.db() != nullptr);

  REQUIRE(node.Stop().ok());
  CHECK(node.state() == Node::State::kStopped);
  CHECK(node.db() == nullptr);
  CHECK(node.Stop().ok());  // idempotent

  // The directory is free again: a new node on it starts.
  Node again(ConfigFor(dir));
  REQUIRE(again.Start().ok());
}  // `again` is stopped by its destructor

TEST_CASE("node: a second node on a locked data directory fails and may retry later") {
  TempDir tmp;
  std::string dir = tmp.Join("data");
  Node first(ConfigFor(dir));
  REQUIRE(first.Start().ok());

  Node second(ConfigFor(dir));
  Status s = second.Start();
  CHECK(s.code() == StatusCode::kBusy);
  CHECK_MESSAGE(s.message().find("data directory " + dir + " is in use") != std::string::npos,
                s.message());
  CHECK(second.state() == Node::State::kCreated);

  REQUIRE(first.Stop().ok());
  CHECK(second.Start().ok());
}

TEST_CASE("node: a data directory that cannot be created fails Start and leaves the node idle") {
  TempDir tmp;
  std::string file = tmp.Join("not_a_directory");
  REQUIRE(WriteStringToFileSync(Env::Default(), "x", file).ok());
  Node node(ConfigFor(JoinPath(file, "data")));
  Status s = node.Start();
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("not_a_directory/data") != std::string::npos);
  CHECK(node.state() == Node::State::kCreated);
  CHECK(node.Stop().ok());
}

}  // namespace
}  // namespace blockdb
