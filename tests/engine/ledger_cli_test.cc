// End-to-end tests of `blockdb-cli verify-proof` (the real binary): exit code 0 for proofs that
// hold, 1 for proofs that do not, 2 for malformed input. Proofs are the RFC 6962 reference tree's
// and ones produced by a Ledger.
#include <doctest/doctest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "common/env.h"
#include "engine/ledger/ledger.h"
#include "engine/ledger/proof_json.h"
#include "ledger_store_util.h"
#include "ledger_test_util.h"
#include "util/process.h"
#include "util/temp_dir.h"

namespace blockdb::ledger {
namespace {

using blockdb::testing::Subprocess;

constexpr std::chrono::milliseconds kDeadline(30'000);
const std::string kCli = BLOCKDB_BINARY_DIR "/bin/blockdb-cli";

const std::string kRoot6 = "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef";
const std::string kRoot8 = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328";
const std::string kLeaf5 = "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658";
const std::string kPath5 =
    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b,"
    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0,"
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7";
const std::string kPath6to8 =
    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a,"
    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0,"
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7";

struct Run {
  int code;
  std::string output;
};

Run Cli(std::vector<std::string> args) {
  REQUIRE_MESSAGE(Env::Default()->FileExists(kCli), kCli << " is missing: build blockdb-cli");
  args.insert(args.begin(), kCli);
  Result<std::unique_ptr<Subprocess>> process = Subprocess::Spawn(args);
  REQUIRE_MESSAGE(process.ok(), process.status().ToString());
  std::optional<int> code = (*process)->WaitForExit(kDeadline);
  REQUIRE_MESSAGE(code.has_value(), "blockdb-cli still running: " << (*process)->output());
  return Run{*code, (*process)->output()};
}

std::vector<std::string> Inclusion(const std::string& leaf_hash, const std::string& index,
                                   const std::string& size, const std::string& root,
                                   const std::string& path) {
  return {"verify-proof", "inclusion", "--leaf-hash", leaf_hash, "--index", index,
          "--size",       size,        "--root",      root,      "--path",  path};
}

std::vector<std::string> Consistency(const std::string& old_size, const std::string& old_root,
                                     const std::string& new_size, const std::string& new_root,
                                     const std::string& path) {
  return {"verify-proof", "consistency", "--old-size", old_size, "--old-root", old_root,
          "--new-size",   new_size,      "--new-root", new_root, "--path",     path};
}

using ::blockdb::testing::TempDir;

std::string Flip(std::string hex, size_t pos) {
  hex[pos] = hex[pos] == '0' ? '1' : '0';
  return hex;
}

TEST_CASE("ledger cli: help and command dispatch") {
  Run run = Cli({"--help"});
  CHECK(run.code == 0);
  CHECK(run.output.find("verify-proof") != std::string::npos);
  CHECK(Cli({}).code == 2);
  CHECK(Cli({"no-such-command"}).code == 2);
  run = Cli({"verify-proof", "--help"});
  CHECK(run.code == 0);
  CHECK(run.output.find("--leaf-hash") != std::string::npos);
}

TEST_CASE("ledger cli: inclusion proofs") {
  Run run = Cli(Inclusion(kLeaf5, "5", "8", kRoot8, kPath5));
  CHECK(run.code == 0);
  CHECK(run.output == "OK\n");
  // The leaf given as entry bytes instead of a hash.
  CHECK(Cli({"verify-proof", "inclusion", "--leaf-data", "40414243", "--index", "5", "--size", "8",
             "--root", kRoot8, "--path", kPath5})
            .code == 0);
  // A tree of one leaf has an empty path.
  CHECK(
      Cli({"verify-proof", "inclusion", "--leaf-data", "", "--index", "0", "--size", "1", "--root",
           "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "--path", ""})
          .code == 0);

  // Proofs that do not hold: exit 1 with the reason.
  run = Cli(Inclusion(Flip(kLeaf5, 10), "5", "8", kRoot8, kPath5));
  CHECK(run.code == 1);
  CHECK(run.output.find("FAIL: proof does not verify") == 0);
  CHECK(Cli(Inclusion(kLeaf5, "5", "8", Flip(kRoot8, 63), kPath5)).code == 1);
  CHECK(Cli(Inclusion(kLeaf5, "5", "8", kRoot8, Flip(kPath5, 70))).code == 1);
  CHECK(Cli(Inclusion(kLeaf5, "4", "8", kRoot8, kPath5)).code == 1);
  CHECK(Cli(Inclusion(kLeaf5, "5", "8", kRoot8, kPath5.substr(0, 129))).code == 1);  // 2 of 3
  CHECK(Cli(Inclusion(kLeaf5, "5", "8", kRoot8, "")).code == 1);

  // Malformed input: exit 2.
  CHECK(Cli(Inclusion(kLeaf5, "8", "8", kRoot8, kPath5)).code == 2);  // index >= size
  CHECK(Cli(Inclusion(kLeaf5, "-1", "8", kRoot8, kPath5)).code == 2);
  CHECK(Cli(Inclusion(kLeaf5, "5x", "8", kRoot8, kPath5)).code == 2);
  CHECK(Cli(Inclusion(kLeaf5.substr(2), "5", "8", kRoot8, kPath5)).code == 2);
  CHECK(Cli(Inclusion(kLeaf5, "5", "8", "zz" + kRoot8.substr(2), kPath5)).code == 2);
  CHECK(Cli(Inclusion(kLeaf5, "5", "8", kRoot8, kPath5 + ",")).code == 2);
  CHECK(Cli({"verify-proof", "inclusion", "--leaf-hash", kLeaf5, "--index", "5", "--size", "8",
             "--path", kPath5})
            .code == 2);  // no --root
  CHECK(Cli({"verify-proof", "inclusion", "--index", "5", "--size", "8", "--root", kRoot8, "--path",
             kPath5})
            .code == 2);  // no leaf
  CHECK(Cli({"verify-proof", "inclusion", "--leaf-hash", kLeaf5, "--leaf-data", "00", "--index",
             "5", "--size", "8", "--root", kRoot8, "--path", kPath5})
            .code == 2);  // both leaf forms
  CHECK(Cli({"verify-proof", "membership"}).code == 2);
  CHECK(Cli({"verify-proof", "inclusion", "--unknown", "1"}).code == 2);
}

TEST_CASE("ledger cli: consistency proofs") {
  Run run = Cli(Consistency("6", kRoot6, "8", kRoot8, kPath6to8));
  CHECK(run.code == 0);
  CHECK(run.output == "OK\n");
  CHECK(Cli(Consistency("8", kRoot8, "8", kRoot8, "")).code == 0);
  CHECK(Cli(Consistency("6", Flip(kRoot6, 0), "8", kRoot8, kPath6to8)).code == 1);
  CHECK(Cli(Consistency("6", kRoot6, "8", Flip(kRoot8, 5), kPath6to8)).code == 1);
  CHECK(Cli(Consistency("6", kRoot6, "8", kRoot8, Flip(kPath6to8, 140))).code == 1);
  CHECK(Cli(Consistency("6", kRoot6, "8", kRoot8, "")).code == 1);
  CHECK(Cli(Consistency("5", kRoot6, "8", kRoot8, kPath6to8)).code == 1);
  CHECK(Cli(Consistency("9", kRoot6, "8", kRoot8, kPath6to8)).code == 2);  // old > new
  CHECK(Cli(Consistency("6", kRoot6, "8", kRoot8, "xyz")).code == 2);
  CHECK(Cli({"verify-proof", "consistency", "--old-size", "6", "--old-root", kRoot6, "--new-root",
             kRoot8, "--path", kPath6to8})
            .code == 2);  // no --new-size
}

TEST_CASE("ledger cli: proofs as JSON, including ones a Ledger produced") {
  TempDir dir;
  // A small ledger; a client saved the digest after the first batch.
  MemRecordStore store;
  auto ledger = testing::OpenLedger(store, 4);
  const std::vector<testing::Command> commands = testing::MakeCommands(42, 12, 5);
  std::optional<Digest> saved;
  for (const testing::Command& c : commands) {
    testing::ApplyCommand(ledger.get(), &store, c);
    if (!saved && ledger->GetDigest().tree_size > 0) {
      saved = ledger->GetDigest();
    }
  }
  const Digest now = ledger->GetDigest();
  REQUIRE(now.tree_size > saved->tree_size);
  const std::string inclusion =
      dir.Write("inclusion.json", ProofToJson(ledger->ProveInclusion(0, now.tree_size).value()));
  const std::string consistency = dir.Write(
      "consistency.json",
      ProofToJson(ledger->ProveConsistency(saved->tree_size, now.tree_size).value()) + "\n");
  CHECK(Cli({"verify-proof", "--json", inclusion}).code == 0);
  CHECK(Cli({"verify-proof", "inclusion", "--json", inclusion}).code == 0);
  CHECK(Cli({"verify-proof", "--json", consistency}).code == 0);

  // A proof whose root was swapped for another: exit 1.
  InclusionProof forged = ledger->ProveInclusion(0, now.tree_size).value();
  forged.root_hash = saved->root;
  CHECK(Cli({"verify-proof", "--json", dir.Write("forged.json", ProofToJson(forged))}).code == 1);

  // Malformed: exit 2.
  CHECK(Cli({"verify-proof", "consistency", "--json", inclusion}).code == 2);  // type mismatch
  CHECK(Cli({"verify-proof", "--json", inclusion, "--index", "0"}).code == 2);
  CHECK(Cli({"verify-proof", "--json", dir.Write("bad.json", "{\"type\":\"inclusion\"")}).code ==
        2);
  CHECK(Cli({"verify-proof", "--json", dir.Write("empty.json", "")}).code == 2);
  CHECK(Cli({"verify-proof", "--json", "/nonexistent/proof.json"}).code == 2);
  CHECK(Cli({"verify-proof", "--json", "-"}).code == 2);  // standard input is empty here
}

}  // namespace
}  // namespace blockdb::ledger
