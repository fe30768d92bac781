// Tampering with a LedgerDB's data is caught. Physical damage to the files (a flipped byte in an
// SSTable row, record or footer, in a log record, in the MANIFEST; a truncated file) makes either
// the engine refuse to open with Corruption, or a read fail with Corruption, or VERIFY report the
// first bad block and entry: never OK, never a crash. Logical forgery (an attacker who rebuilds
// the store with valid checksums, played by a DB opened without the ledger hook) is reported by
// VERIFY at the first bad block and entry.

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/coding.h"
#include "common/env.h"
#include "common/mem_env.h"
#include "engine/iterator.h"
#include "engine/ledger/block.h"
#include "engine/ledger/records.h"
#include "engine/ledger_db.h"
#include "ledger_db_test_util.h"

namespace blockdb {
namespace {

namespace fs = std::filesystem;
using ledger::BlockHeader;
using ledger::Digest;
using ledger_db_test::MakeRowBatch;
using ledger_db_test::OpenOrDie;
using ledger_db_test::Store;

constexpr uint64_t kBatchSize = 8;
// Above every leaf index the tests use.
constexpr uint64_t kMaxLeaf = uint64_t{1} << 40;

LedgerDBOptions TamperOptions(Env* env, const std::string& dir, bool log_only) {
  LedgerDBOptions options = ledger_db_test::LedgerOptions(env, dir, kBatchSize);
  options.engine.table.compress = false;  // so the test can find a row's bytes in a table
  if (log_only) {
    options.engine.memtable_size_limit = 16 << 20;  // nothing is flushed: the data is in the log
  }
  return options;
}

// The ledger built by WriteWorkload, as the test knows it before damaging it.
struct Known {
  Digest digest;
  std::vector<BlockHeader> blocks;
  // A row in a middle block, and that block.
  std::string row_key;
  std::string row_value;
  uint64_t row_leaf = 0;
  uint64_t row_block = 0;
  // The leaf group holding row_leaf: its key and value, its first leaf and that leaf's block, and
  // the stored leaf hash of row_leaf (the tree's stored data below 64 leaves).
  std::string group_key;
  std::string group_value;
  uint64_t group_first_leaf = 0;
  uint64_t group_first_block = 0;
  std::string leaf_hash;
  std::string block_bytes;  // the stored header of the block before row_block
};

uint64_t BlockOfLeaf(const std::vector<BlockHeader>& blocks, uint64_t leaf) {
  for (const BlockHeader& b : blocks) {
    if (b.index > 0 && leaf >= b.first_leaf && leaf < b.tree_size()) {
      return b.index;
    }
  }
  FAIL("leaf " << leaf << " is in no block");
  return 0;
}

// 60 batches (180 entries) with a seal every 10, so blocks close both ways.
Known WriteWorkload(LedgerDB* ldb) {
  for (uint64_t b = 0; b < 60; ++b) {
    Result<uint64_t> r = ldb->db()->Write(MakeRowBatch(b));
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    if (b % 10 == 9) {
      REQUIRE(ldb->db()->Seal(1'800'000'000'000'000 + static_cast<int64_t>(b)).ok());
    }
  }
  Known known;
  known.digest = ldb->GetDigest();
  known.blocks = *ldb->ListBlocks(0, 1000);
  REQUIRE(known.blocks.size() > 10);
  known.row_key = ledger_db_test::RowKey(33, 2);  // batch 33 has 4 rows
  known.row_value = ledger_db_test::RowValue(known.row_key);
  known.row_leaf = *ldb->FindLeafByKey(known.row_key);
  known.row_block = BlockOfLeaf(known.blocks, known.row_leaf);
  std::unique_ptr<Iterator> it = ldb->db()->NewIterator();
  it->Seek(ledger::LeafGroupKey(known.row_leaf));
  REQUIRE(it->Valid());
  known.group_key = std::string(it->key());
  known.group_value = std::string(it->value());
  const std::optional<uint64_t> last = ledger::ParseIndexedKey(ledger::kLeafGroupTag, it->key());
  REQUIRE(last.has_value());
  ledger::LeafGroup group;
  REQUIRE(ledger::DecodeLeafGroup(*last, known.group_value, &group).ok());
  REQUIRE(group.first_leaf <= known.row_leaf);
  known.group_first_leaf = group.first_leaf;
  known.group_first_block = BlockOfLeaf(known.blocks, group.first_leaf);
  known.leaf_hash = std::string(AsBytes(group.leaves[known.row_leaf - group.first_leaf].hash));
  REQUIRE(ldb->db()->Get(ledger::BlockKey(known.row_block - 1), &known.block_bytes).ok());
  return known;
}

enum class Outcome { kOk, kOpenCorruption, kReadCorruption, kReportFailed, kOtherError };

const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kOk:
      return "OK";
    case Outcome::kOpenCorruption:
      return "open: Corruption";
    case Outcome::kReadCorruption:
      return "verify read: Corruption";
    case Outcome::kReportFailed:
      return "VERIFY failed";
    case Outcome::kOtherError:
      return "other error";
  }
  return "?";
}

struct Verdict {
  Outcome outcome = Outcome::kOk;
  std::string text;
  std::optional<ledger::VerifyFailure> failure;
};

Verdict OpenAndVerify(const LedgerDBOptions& options, const std::optional<Digest>& trusted) {
  Result<std::unique_ptr<LedgerDB>> ldb = LedgerDB::Open(options);
  if (!ldb.ok()) {
    return {ldb.status().IsCorruption() ? Outcome::kOpenCorruption : Outcome::kOtherError,
            ldb.status().ToString(), std::nullopt};
  }
  ledger::VerifyOptions verify;
  verify.trusted_digest = trusted;
  Result<ledger::VerifyReport> report = (*ldb)->Verify(verify);
  if (!report.ok()) {
    return {report.status().IsCorruption() ? Outcome::kReadCorruption : Outcome::kOtherError,
            report.status().ToString(), std::nullopt};
  }
  return {report->ok() ? Outcome::kOk : Outcome::kReportFailed, report->ToString(),
          report->failure};
}

// A pristine data directory on disk and a scratch copy per trial.
class DiskFixture {
 public:
  explicit DiskFixture(bool log_only) : log_only_(log_only) {
    pristine_ = tmp_.path() + "/pristine";
    scratch_ = tmp_.path() + "/scratch";
    auto ldb = OpenOrDie(TamperOptions(Env::Default(), pristine_, log_only));
    known_ = WriteWorkload(ldb.get());
    if (!log_only) {
      REQUIRE(ldb->db()->CompactAll().ok());  // everything in SSTables
    }
    REQUIRE(ldb->Close().ok());
  }

  const Known& known() const { return known_; }

  // Every file of the pristine directory, relative to it.
  std::vector<std::string> Files() const {
    std::vector<std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(pristine_)) {
      if (e.is_regular_file()) {
        files.push_back(fs::relative(e.path(), pristine_).string());
      }
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  std::string Contents(const std::string& file) const {
    std::ifstream in(pristine_ + "/" + file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  // Copies the pristine directory, lets `damage` change the copy of `file`, opens and verifies.
  Verdict Trial(const std::string& file, const std::function<void(const std::string&)>& damage,
                bool trusted) {
    std::error_code ec;
    fs::remove_all(scratch_, ec);
    fs::copy(pristine_, scratch_, fs::copy_options::recursive);
    damage(scratch_ + "/" + file);
    return OpenAndVerify(TamperOptions(Env::Default(), scratch_, log_only_),
                         trusted ? std::optional<Digest>(known_.digest) : std::nullopt);
  }

  Verdict Flip(const std::string& file, uint64_t offset, bool trusted) {
    return Trial(
        file,
        [offset](const std::string& path) {
          std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
          f.seekg(static_cast<std::streamoff>(offset));
          char c = 0;
          f.get(c);
          f.seekp(static_cast<std::streamoff>(offset));
          f.put(static_cast<char>(c ^ 0x20));
        },
        trusted);
  }

  Verdict Truncate(const std::string& file, uint64_t size, bool trusted) {
    return Trial(
        file, [size](const std::string& path) { fs::resize_file(path, size); }, trusted);
  }

 private:
  db_test::TempDir tmp_;
  bool log_only_;
  std::string pristine_;
  std::string scratch_;
  Known known_;
};

void RequireDetected(const Verdict& v) {
  INFO("outcome: " << std::string(OutcomeName(v.outcome)) << ": " << v.text);
  CHECK(v.outcome != Outcome::kOk);
  CHECK(v.outcome != Outcome::kOtherError);
}

bool IsLogFile(const std::string& file) { return file.rfind("log/", 0) == 0; }

// Flips and truncations all over every file. The saved digest is always given: damage to the
// log's last record is indistinguishable from a crash that tore it (recovery cuts it), so only a
// digest saved earlier shows the loss. Damage elsewhere is caught even without it.
//
// One exception is not tampering with data: after CompactAll the log keeps a segment whose
// records the MANIFEST already covers. Emptying it loses nothing; VERIFY against the saved digest
// then passes, which proves every entry intact. `log_redundant` allows exactly that.
void DamageEveryFile(DiskFixture* fixture, uint64_t seed, bool log_redundant) {
  std::mt19937_64 rng(seed);
  const std::vector<std::string> files = fixture->Files();
  REQUIRE(!files.empty());
  for (const std::string& file : files) {
    const uint64_t size = fixture->Contents(file).size();
    REQUIRE(size > 0);
    std::vector<uint64_t> offsets = {0, size / 2, size - 1};
    for (int i = 0; i < 24; ++i) {
      offsets.push_back(rng() % size);
    }
    for (uint64_t offset : offsets) {
      INFO("flip " << file << " at offset " << offset << " of " << size);
      RequireDetected(fixture->Flip(file, offset, /*trusted=*/true));
      if (!IsLogFile(file)) {
        RequireDetected(fixture->Flip(file, offset, /*trusted=*/false));
      }
    }
    for (uint64_t new_size : {uint64_t{0}, size / 2, size - 1}) {
      INFO("truncate " << file << " to " << new_size << " of " << size);
      const Verdict v = fixture->Truncate(file, new_size, /*trusted=*/true);
      if (log_redundant && IsLogFile(file) && new_size == 0 && v.outcome == Outcome::kOk) {
        continue;  // the saved digest verified: nothing was lost
      }
      RequireDetected(v);
      if (!IsLogFile(file)) {
        RequireDetected(fixture->Truncate(file, new_size, /*trusted=*/false));
      }
    }
  }
}

// Offsets of `needle` in any file of the fixture: (file, offset).
std::vector<std::pair<std::string, uint64_t>> Find(const DiskFixture& fixture,
                                                   const std::string& needle) {
  std::vector<std::pair<std::string, uint64_t>> found;
  for (const std::string& file : fixture.Files()) {
    const std::string contents = fixture.Contents(file);
    for (size_t pos = contents.find(needle); pos != std::string::npos;
         pos = contents.find(needle, pos + 1)) {
      found.emplace_back(file, pos);
    }
  }
  return found;
}

TEST_CASE("ledger tamper: damage to the SSTables and MANIFEST never verifies") {
  const uint64_t seed = db_test::TestSeed();
  INFO("seed " << seed << " (rerun with BLOCKDB_SEED=" << seed << ")");
  DiskFixture fixture(/*log_only=*/false);
  bool has_table = false;
  for (const std::string& f : fixture.Files()) {
    has_table = has_table || f.ends_with(".sst");
  }
  REQUIRE(has_table);

  SUBCASE("a row's value, a row's key, a block header, a stored leaf hash, each in its SSTable") {
    const Known& known = fixture.known();
    for (const std::string& needle :
         {known.row_value, known.row_key, known.block_bytes, known.leaf_hash}) {
      // In an SSTable, and also in the log's retained segment (already covered by the MANIFEST).
      const auto where = Find(fixture, needle);
      REQUIRE_MESSAGE(std::any_of(where.begin(), where.end(),
                                  [](const auto& w) { return w.first.ends_with(".sst"); }),
                      "bytes not found in a table: ", ToHex(needle));
      for (const auto& [file, offset] : where) {
        INFO(file << " offset " << offset);
        RequireDetected(fixture.Flip(file, offset + needle.size() / 2, /*trusted=*/false));
        RequireDetected(fixture.Flip(file, offset + needle.size() / 2, /*trusted=*/true));
      }
    }
  }
  SUBCASE("flips and truncations anywhere") {
    DamageEveryFile(&fixture, seed, /*log_redundant=*/true);
  }
}

TEST_CASE("ledger tamper: damage to the log never verifies against a saved digest") {
  const uint64_t seed = db_test::TestSeed();
  INFO("seed " << seed << " (rerun with BLOCKDB_SEED=" << seed << ")");
  DiskFixture fixture(/*log_only=*/true);
  for (const std::string& f : fixture.Files()) {
    REQUIRE_FALSE(f.ends_with(".sst"));  // the data is in the log only
  }
  SUBCASE("a row inside a log record") {
    const auto where = Find(fixture, fixture.known().row_value);
    REQUIRE(where.size() == 1);
    CHECK(IsLogFile(where[0].first));
    RequireDetected(fixture.Flip(where[0].first, where[0].second + 10, /*trusted=*/true));
    // Not the last record, so recovery finds valid records after it: Corruption even without a
    // saved digest.
    RequireDetected(fixture.Flip(where[0].first, where[0].second + 10, /*trusted=*/false));
  }
  SUBCASE("flips and truncations anywhere") {
    DamageEveryFile(&fixture, seed, /*log_redundant=*/false);
  }
}

// ---- logical forgery: the store rebuilt with valid checksums, as root could do it.

struct ForgeryFixture {
  ForgeryFixture() {
    auto ldb = OpenOrDie(TamperOptions(&env, "/original", false));
    known = WriteWorkload(ldb.get());
    store = ledger_db_test::ReadStore(ldb->db());
    REQUIRE(ldb->Close().ok());
  }

  // Writes `forged` into a fresh directory and VERIFYs it through a LedgerDB.
  Verdict Verify(const Store& forged, const std::optional<Digest>& trusted = std::nullopt) {
    const std::string dir = "/forged" + std::to_string(++runs);
    ledger_db_test::WriteForgedStore(forged, TamperOptions(&env, dir, false).engine, dir);
    return OpenAndVerify(TamperOptions(&env, dir, false), trusted);
  }

  MemEnv env;
  Known known;
  Store store;
  int runs = 0;
};

void RequireFailureAt(const Verdict& v, std::optional<uint64_t> block,
                      std::optional<uint64_t> leaf) {
  INFO("outcome: " << std::string(OutcomeName(v.outcome)) << ": " << v.text);
  REQUIRE(v.outcome == Outcome::kReportFailed);
  CHECK(v.failure->block_index == block);
  CHECK(v.failure->leaf_index == leaf);
}

TEST_CASE("ledger tamper: forged stores are reported at the first bad block and entry") {
  ForgeryFixture f;
  const Known& k = f.known;

  // The untouched copy verifies: the forging machinery itself changes nothing.
  Verdict copy = f.Verify(f.store, k.digest);
  REQUIRE_MESSAGE(copy.outcome == Outcome::kOk, copy.text);

  SUBCASE("a row's value changed") {
    Store forged = f.store;
    forged[k.row_key] = "forged value";
    RequireFailureAt(f.Verify(forged), k.row_block, k.row_leaf);
  }
  SUBCASE("a row removed") {
    Store forged = f.store;
    forged.erase(k.row_key);
    RequireFailureAt(f.Verify(forged), k.row_block, k.row_leaf);
  }
  SUBCASE("a row inserted without an entry") {
    Store forged = f.store;
    forged["row/99999999/0"] = "smuggled in";
    RequireFailureAt(f.Verify(forged), std::nullopt, std::nullopt);
  }
  SUBCASE("two rows in different blocks swapped: the earlier block is named") {
    Store forged = f.store;
    const std::string other = ledger_db_test::RowKey(50, 0);
    std::swap(forged[k.row_key], forged[other]);
    RequireFailureAt(f.Verify(forged), k.row_block, k.row_leaf);
  }
  SUBCASE("a leaf group's transaction id changed: its first entry is named") {
    Store forged = f.store;
    std::string& group = forged[k.group_key];
    group[1 + 8] ^= 1;  // version, log_index, then txn_id
    RequireFailureAt(f.Verify(forged), k.group_first_block, k.group_first_leaf);
  }
  SUBCASE("a stored leaf hash replaced") {
    Store forged = f.store;
    std::string& group = forged[k.group_key];
    const size_t at = group.find(k.leaf_hash);
    REQUIRE(at != std::string::npos);
    group[at + 5] ^= 1;
    RequireFailureAt(f.Verify(forged), k.row_block, k.row_leaf);
  }
  SUBCASE("a leaf group removed") {
    Store forged = f.store;
    forged.erase(k.group_key);
    RequireFailureAt(f.Verify(forged), k.group_first_block, k.group_first_leaf);
  }
  SUBCASE("a leaf group of the unfinished last chunk removed: the ledger cannot open") {
    // The open needs the leaf hashes of the last, unfinished 64-leaf chunk (leaves 128..179) for
    // the tree's right edge; without them it reports the records inconsistent, naming the leaf.
    Store forged = f.store;
    const auto last_group = std::prev(forged.upper_bound(ledger::LeafGroupKey(kMaxLeaf)));
    REQUIRE(ledger::ParseIndexedKey(ledger::kLeafGroupTag, last_group->first).has_value());
    const uint64_t last_leaf = *ledger::ParseIndexedKey(ledger::kLeafGroupTag, last_group->first);
    ledger::LeafGroup group;
    REQUIRE(ledger::DecodeLeafGroup(last_leaf, last_group->second, &group).ok());
    REQUIRE(group.first_leaf >= 128);
    forged.erase(last_group);
    const Verdict v = f.Verify(forged);
    INFO(v.text);
    CHECK(v.outcome == Outcome::kOpenCorruption);
  }
  SUBCASE("a block header's timestamp changed") {
    Store forged = f.store;
    const uint64_t block = k.row_block - 1;
    std::string& header = forged[ledger::BlockKey(block)];
    header[17] ^= 1;  // version, index, log_index, then timestamp_micros
    Verdict v = f.Verify(forged);
    INFO(v.text);
    REQUIRE(v.outcome == Outcome::kReportFailed);
    CHECK(v.failure->block_index == block);
  }
  SUBCASE("the newest block removed: only a saved digest shows it (docs/VERIFICATION.md)") {
    Store forged = f.store;
    forged.erase(ledger::BlockKey(k.digest.last_block_index));
    // Its entries look unsealed and everything hashes: the documented limit of VERIFY alone.
    CHECK(f.Verify(forged).outcome == Outcome::kOk);
    Verdict v = f.Verify(forged, k.digest);
    INFO(v.text);
    CHECK(v.outcome == Outcome::kReportFailed);
  }
}

}  // namespace
}  // namespace blockdb
