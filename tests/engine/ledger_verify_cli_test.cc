// End-to-end tests of `blockdb-cli verify` (the real binary) on data directories written by a
// LedgerDB: exit 0 and OK on intact data, 1 naming the first bad block and entry on tampered data,
// 2 on usage errors and on a missing, empty or locked directory.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/env.h"
#include "engine/ledger/proof_json.h"
#include "engine/ledger/records.h"
#include "engine/ledger_db.h"
#include "ledger_db_test_util.h"
#include "util/process.h"

namespace blockdb {
namespace {

using blockdb::testing::Subprocess;
using ledger::Digest;

constexpr std::chrono::milliseconds kDeadline(60'000);
const std::string kCli = BLOCKDB_BINARY_DIR "/bin/blockdb-cli";
constexpr uint64_t kBatchSize = 8;

struct Run {
  int code;
  std::string output;
};

Run Cli(std::vector<std::string> args) {
  REQUIRE_MESSAGE(Env::Default()->FileExists(kCli), kCli << " is missing: build blockdb-cli");
  args.insert(args.begin(), kCli);
  testing::SpawnOptions options;
  options.unset_env = {"BLOCKDB_*"};  // the configuration comes from --config only
  Result<std::unique_ptr<Subprocess>> process = Subprocess::Spawn(args, options);
  REQUIRE_MESSAGE(process.ok(), process.status().ToString());
  std::optional<int> code = (*process)->WaitForExit(kDeadline);
  REQUIRE_MESSAGE(code.has_value(), "blockdb-cli still running: " << (*process)->output());
  return Run{*code, (*process)->output()};
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A data directory written by a LedgerDB (flushed and compacted), the server configuration that
// matches it, and what the test knows about it.
class Fixture {
 public:
  Fixture() {
    dir_ = tmp_.path() + "/data";
    config_ = tmp_.path() + "/blockdb.toml";
    std::ofstream(config_) << "[database]\nblockchain_batch_size = " << kBatchSize << "\n";
    LedgerDBOptions options = ledger_db_test::LedgerOptions(Env::Default(), dir_, kBatchSize);
    options.engine.table.compress = false;
    auto ldb = ledger_db_test::OpenOrDie(options);
    for (uint64_t b = 0; b < 40; ++b) {
      REQUIRE(ldb->db()->Write(ledger_db_test::MakeRowBatch(b)).ok());
      if (b % 10 == 9) {
        REQUIRE(ldb->db()->Seal(1'800'000'000'000'000 + static_cast<int64_t>(b)).ok());
      }
    }
    REQUIRE(ldb->db()->CompactAll().ok());
    digest_ = ldb->GetDigest();
    row_key_ = ledger_db_test::RowKey(23, 3);
    row_leaf_ = *ldb->FindLeafByKey(row_key_);
    Result<std::vector<ledger::BlockHeader>> blocks = ldb->ListBlocks(1, 1000);
    REQUIRE(blocks.ok());
    for (const ledger::BlockHeader& b : *blocks) {
      if (row_leaf_ >= b.first_leaf && row_leaf_ < b.tree_size()) {
        row_block_ = b.index;
      }
    }
    REQUIRE(row_block_ > 0);
    store_ = ledger_db_test::ReadStore(ldb->db());
    REQUIRE(ldb->Close().ok());
  }

  std::vector<std::string> Verify(const std::string& dir, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"verify", "--data-dir", dir, "--config", config_};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  const std::string& dir() const { return dir_; }
  const std::string& tmp() const { return tmp_.path(); }
  const Digest& digest() const { return digest_; }

  db_test::TempDir tmp_;
  std::string dir_;
  std::string config_;
  Digest digest_;
  std::string row_key_;
  uint64_t row_leaf_ = 0;
  uint64_t row_block_ = 0;
  ledger_db_test::Store store_;
};

TEST_CASE("ledger verify cli: intact data verifies, with and without a saved digest") {
  Fixture f;
  Run run = Cli(f.Verify(f.dir()));
  INFO(run.output);
  CHECK(run.code == 0);
  CHECK(Contains(run.output, "OK"));
  CHECK(Contains(run.output, ledger::DigestToJson(f.digest())));
  CHECK(Contains(run.output, "entries: " + std::to_string(f.digest().tree_size) + " verified"));
  // Without a saved digest a log cut short verifies too (docs/VERIFICATION.md): the OK says so.
  const std::string note = "without a saved digest (--digest) removed history cannot be detected";
  CHECK(Contains(run.output, note));

  const std::string json = ledger::DigestToJson(f.digest());
  run = Cli(f.Verify(f.dir(), {"--digest", json}));
  CHECK(run.code == 0);
  CHECK_FALSE(Contains(run.output, note));
  const std::string digest_file = f.tmp() + "/digest.json";
  std::ofstream(digest_file) << json << "\n";
  CHECK(Cli(f.Verify(f.dir(), {"--digest", digest_file})).code == 0);
  CHECK(Cli(f.Verify(f.dir(), {"--from-block", "3"})).code == 0);

  // A saved digest the data does not match: the ledger was rewritten since.
  Digest other = f.digest();
  other.root[4] ^= 1;
  run = Cli(f.Verify(f.dir(), {"--digest", ledger::DigestToJson(other)}));
  CHECK(run.code == 1);
  CHECK(Contains(run.output, "FAILED"));
}

TEST_CASE("ledger verify cli: tampered data fails naming the first bad block and entry") {
  Fixture f;
  SUBCASE("a row rewritten with valid checksums") {
    ledger_db_test::Store forged = f.store_;
    forged[f.row_key_] = "forged";
    const std::string forged_dir = f.tmp() + "/forged";
    LedgerDBOptions options = ledger_db_test::LedgerOptions(Env::Default(), forged_dir, kBatchSize);
    ledger_db_test::WriteForgedStore(forged, options.engine, forged_dir);
    Run run = Cli(f.Verify(forged_dir));
    INFO(run.output);
    CHECK(run.code == 1);
    CHECK(Contains(run.output, "FAILED at block " + std::to_string(f.row_block_) + ", entry " +
                                   std::to_string(f.row_leaf_)));
    CHECK(Contains(run.output, "first bad block: " + std::to_string(f.row_block_)));
    CHECK(Contains(run.output, "first bad entry: " + std::to_string(f.row_leaf_)));
  }
  SUBCASE("a byte flipped in an SSTable") {
    const std::string value = ledger_db_test::RowValue(f.row_key_);
    bool flipped = false;
    for (const auto& e : std::filesystem::directory_iterator(f.dir())) {
      if (e.path().extension() != ".sst") {
        continue;
      }
      std::fstream file(e.path(), std::ios::binary | std::ios::in | std::ios::out);
      std::string contents((std::istreambuf_iterator<char>(file)),
                           std::istreambuf_iterator<char>());
      const size_t pos = contents.find(value);
      if (pos != std::string::npos) {
        file.seekp(static_cast<std::streamoff>(pos + 3));
        file.put(static_cast<char>(value[3] ^ 1));
        flipped = true;
      }
    }
    REQUIRE(flipped);
    Run run = Cli(f.Verify(f.dir()));
    INFO(run.output);
    CHECK(run.code == 1);
    CHECK(Contains(run.output, "FAILED"));
    CHECK(Contains(run.output, "checksum"));
  }
}

TEST_CASE("ledger verify cli: a truncated log verifies as fewer writes, a saved digest fails it") {
  // Writes only in the log (nothing flushed): cutting the log removes the newest of them.
  db_test::TempDir tmp;
  const std::string dir = tmp.path() + "/data";
  const std::string config = tmp.path() + "/blockdb.toml";
  std::ofstream(config) << "[database]\nblockchain_batch_size = " << kBatchSize << "\n";
  Digest digest;
  {
    auto ldb =
        ledger_db_test::OpenOrDie(ledger_db_test::LedgerOptions(Env::Default(), dir, kBatchSize));
    for (uint64_t b = 0; b < 40; ++b) {
      REQUIRE(ldb->db()->Write(ledger_db_test::MakeRowBatch(b)).ok());
    }
    digest = ldb->GetDigest();
    REQUIRE(ldb->Close().ok());
  }
  Result<std::vector<std::string>> logs = Env::Default()->GetChildren(dir + "/log");
  REQUIRE(logs.ok());
  std::string log;
  uint64_t log_size = 0;
  for (const std::string& name : *logs) {
    Result<uint64_t> size = Env::Default()->GetFileSize(dir + "/log/" + name);
    if (size.ok() && *size > log_size) {
      log = dir + "/log/" + name;
      log_size = *size;
    }
  }
  REQUIRE(log_size > 0);
  REQUIRE(std::filesystem::file_size(log) == log_size);
  std::filesystem::resize_file(log, log_size / 2);

  const std::vector<std::string> args = {"verify", "--data-dir", dir, "--config", config};
  Run run = Cli(args);
  INFO(run.output);
  CHECK(run.code == 0);
  CHECK(Contains(run.output, "OK"));
  CHECK_FALSE(Contains(run.output, "entries: " + std::to_string(digest.tree_size) + " verified"));
  CHECK(
      Contains(run.output, "without a saved digest (--digest) removed history cannot be detected"));

  std::vector<std::string> with_digest = args;
  with_digest.insert(with_digest.end(), {"--digest", ledger::DigestToJson(digest)});
  run = Cli(with_digest);
  CHECK(run.code == 1);
  CHECK(Contains(run.output, "FAILED"));
}

TEST_CASE("ledger verify cli: a data file the MANIFEST names that is missing is damage (exit 1)") {
  Fixture f;
  Result<std::vector<std::string>> children = Env::Default()->GetChildren(f.dir());
  REQUIRE(children.ok());
  std::string table;
  for (const std::string& name : *children) {
    if (name.ends_with(".sst")) table = name;
  }
  REQUIRE_FALSE(table.empty());
  REQUIRE(Env::Default()->RemoveFile(JoinPath(f.dir(), table)).ok());
  Run run = Cli(f.Verify(f.dir()));
  INFO(run.output);
  CHECK(run.code == 1);
  CHECK(Contains(run.output, "FAILED"));
  CHECK(Contains(run.output, table));
}

TEST_CASE("ledger verify cli: usage errors, missing, empty and locked directories exit 2") {
  Fixture f;
  CHECK(Cli({"verify", "--help"}).code == 0);
  // Without --data-dir, verify is the online form (tests/cli/); its usage errors exit 2 as well.
  CHECK(Cli({"verify", "--no-such-option"}).code == 2);
  CHECK(Cli({"verify", "--data-dir"}).code == 2);
  CHECK(Cli(f.Verify(f.dir(), {"--from-block", "x"})).code == 2);
  Run beyond = Cli(f.Verify(f.dir(), {"--from-block", "1000"}));
  CHECK(beyond.code == 2);
  CHECK(Contains(beyond.output, "--from-block 1000 is beyond the newest block " +
                                    std::to_string(f.digest().last_block_index)));
  CHECK(Cli(f.Verify(f.dir(), {"--digest", "{\"type\":\"digest\"}"})).code == 2);
  CHECK(Cli(f.Verify(f.dir(), {"--digest", f.tmp() + "/no-such-file"})).code == 2);
  CHECK(Cli(f.Verify(f.dir(), {"stray"})).code == 2);

  Run run = Cli(f.Verify(f.tmp() + "/missing"));
  CHECK(run.code == 2);
  CHECK(Contains(run.output, "does not exist"));

  const std::string empty = f.tmp() + "/empty";
  REQUIRE(Env::Default()->CreateDir(empty).ok());
  run = Cli(f.Verify(empty));
  CHECK(run.code == 2);
  CHECK(Contains(run.output, "not a BlockDB data directory"));
  CHECK_FALSE(Env::Default()->FileExists(JoinPath(empty, "MANIFEST")));  // nothing created

  // A running server holds the LOCK: verify refuses the directory.
  Result<std::unique_ptr<FileLock>> lock = Env::Default()->LockFile(JoinPath(f.dir(), "LOCK"));
  REQUIRE(lock.ok());
  run = Cli(f.Verify(f.dir()));
  CHECK(run.code == 2);
  CHECK(Contains(run.output, "in use"));
  lock->reset();
  CHECK(Cli(f.Verify(f.dir())).code == 0);
}

}  // namespace
}  // namespace blockdb
