#include "engine/ledger/verify.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <system_error>
#include <thread>
#include <vector>

#include "common/coding.h"
#include "engine/ledger/block.h"
#include "engine/ledger/entry.h"
#include "engine/ledger/frontier.h"
#include "engine/ledger/ledger_reader.h"
#include "engine/ledger/merkle.h"
#include "engine/ledger/verify_join.h"
#include "engine/ledger/verify_leaves.h"

namespace blockdb::ledger {
namespace {

std::string HashHex(const Hash256& h) { return ToHex(AsBytes(h)); }

// Entries per chunk of the first pass's tree check: it reads only the leaf groups (the rows are
// the join's), so small chunks cost nothing in reads and keep its memory small.
constexpr uint64_t kFirstPassChunkEntries = uint64_t{1} << 16;

// Runs the checks in one of two modes. The first pass (first_pass true) joins the leaves with the
// rows by key ranges (verify_join.h) on other threads, while here it rebuilds the tree and checks
// the blocks from the stored leaf hashes; the two agree with the recomputed hashes exactly when
// the join finds every recomputed hash equal to the stored one. It only tells whether everything
// verifies. The exact pass recomputes each chunk's leaf hashes from the rows before using them
// (verify_leaves.h) and names the first bad block and entry; it runs only when the first pass
// finds something.
class Verifier {
 public:
  Verifier(const RecordSource& source, const VerifyOptions& options, bool first_pass)
      : source_(source),
        options_(options),
        first_pass_(first_pass),
        chunk_entries_(first_pass ? std::min(options.chunk_entries, kFirstPassChunkEntries)
                                  : options.chunk_entries),
        nodes_(source) {}

  Result<VerifyReport> Run();

 private:
  // Finds the stored extent and loads the starting block (the anchor) and its tree frontier.
  Status Prepare();
  Status LoadAnchor();
  Status VerifyBlocks();
  Status VerifyUnsealed();
  Status CheckNothingBeyond();
  Status CheckRowsCovered(RowCounter* counter);
  void CheckTrustedAtEnd();
  // First pass: starts the join of leaves and rows on another thread (here when none can be
  // started), and waits for it.
  void StartJoin();
  Status FinishJoin();
  void RunJoin();
  // The recomputed (exact pass) or stored (first pass) leaf hashes of [begin, end).
  Status LeafHashes(uint64_t begin, uint64_t end, LeafOutcomes* out) const;

  // A chunk of whole blocks read ahead of its checking: headers, recomputed leaves, data roots.
  struct PreparedChunk {
    std::vector<BlockHeader> chunk;
    // A header problem found after the chunk's last block (or at its first, leaving it empty):
    // reported only once the blocks before it verify.
    std::optional<VerifyFailure> header_failure;
    LeafOutcomes outcomes;
    ChunkRoots roots;  // data roots and octets
  };
  // Reads the headers from *next_block on, continuing from `after` (the block before them), and
  // recomputes their leaves. Touches no member but the ones fixed by Prepare(), so it may run on
  // another thread while the previous chunk is checked.
  Status PrepareChunk(uint64_t* next_block, const BlockHeader& after, PreparedChunk* out) const;
  Status ReadHeaderChunk(uint64_t* next_block, const BlockHeader& after,
                         std::vector<BlockHeader>* chunk,
                         std::optional<VerifyFailure>* failure) const;
  // Checks the blocks of a prepared chunk against the rebuilt tree and the chain.
  Status CheckChunk(const PreparedChunk& prepared);
  Result<bool> ReadRecord(const std::string& key, const std::string& what, std::string* value,
                          std::string* problem) const;
  // Verifies one block whose leaves were hashed into `outcomes` (indexed from chunk_begin);
  // data_root: the root of those leaves, octets: ChunkRoots::octets (BlockDataRoots).
  Status CheckBlock(const BlockHeader& header, uint64_t chunk_begin, const LeafOutcomes& outcomes,
                    const std::optional<Hash256>& data_root,
                    const std::vector<std::optional<Hash256>>& octets);
  bool CheckLink(const BlockHeader& header);
  // Appends the block's recomputed leaves to the rebuilt tree (checking stored nodes). Records a
  // failure for the first bad entry, telling from the block's recomputed data root (set whenever
  // every leaf hash was recomputed) which record changed.
  Status ReplayBlockLeaves(const BlockHeader& header, uint64_t chunk_begin,
                           const LeafOutcomes& outcomes, const std::optional<Hash256>& data_root,
                           const std::vector<std::optional<Hash256>>& octets);
  // The root of leaves [leaf, leaf + 8) from `octets`, when the tree may take it in their place:
  // none of them has a problem, and no trusted tree size falls strictly inside the run.
  const Hash256* UsableOctet(uint64_t leaf, uint64_t chunk_begin, const LeafOutcomes& outcomes,
                             const std::vector<std::optional<Hash256>>& octets) const;
  // Appends a leaf (level 0) or an octet's root (kOctetLevel) to the rebuilt tree.
  Status AppendToTree(const Hash256& node, std::string* problem, uint32_t level = 0);
  void CheckTrustedBlock(const BlockHeader& header);
  void Fail(std::optional<uint64_t> block, std::optional<uint64_t> leaf, std::string reason);
  void ReportProgress();

  const RecordSource& source_;
  const VerifyOptions& options_;
  const bool first_pass_;
  const uint64_t chunk_entries_;
  StoredNodeReader nodes_;

  // First pass: the join's thread and outcome; stop_join_ is set to end it early (a failure
  // here) and by the join when it finds a mismatch (which ends the checks here).
  std::thread join_thread_;
  // The leaves the join checks: fixed when it starts (prev_ moves on as blocks verify).
  uint64_t join_begin_ = 0;
  uint64_t join_end_ = 0;
  std::atomic<bool> stop_join_{false};
  Result<JoinResult> joined_ = JoinResult{};

  uint64_t last_block_ = 0;     // newest stored block
  uint64_t leaves_stored_ = 0;  // one past the last stored leaf group's last leaf
  BlockHeader prev_;            // the last verified block (the anchor at first)
  Hash256 prev_hash_{};
  MerkleFrontier tree_;  // rebuilt from recomputed leaves
  bool trusted_root_seen_ = false;
  bool trusted_block_seen_ = false;
  VerifyProgress progress_;
  VerifyReport report_;
};

void Verifier::Fail(std::optional<uint64_t> block, std::optional<uint64_t> leaf,
                    std::string reason) {
  if (!report_.failure) {
    report_.failure = VerifyFailure{block, leaf, std::move(reason)};
  }
}

void Verifier::ReportProgress() {
  if (options_.progress) {
    options_.progress(progress_);
  }
}

Result<bool> Verifier::ReadRecord(const std::string& key, const std::string& what,
                                  std::string* value, std::string* problem) const {
  Status s = source_.get(key, value);
  if (s.ok()) {
    return true;
  }
  if (s.IsNotFound()) {
    *problem = what + " is missing";
    return false;
  }
  if (s.IsCorruption()) {
    *problem = what + " cannot be read: " + s.ToString();
    return false;
  }
  return s.Annotate("verify: reading " + what);
}

Status Verifier::Prepare() {
  auto block_exists = [this](uint64_t i) { return RecordExists(source_.get, BlockKey(i)); };
  ASSIGN_OR_RETURN(leaves_stored_, CountStoredLeaves(source_));
  ASSIGN_OR_RETURN(uint64_t blocks_end, FindFirstMissing(1, block_exists));
  last_block_ = blocks_end - 1;
  const uint64_t start = options_.start_block;
  if (start > last_block_) {
    // Named as the first block to verify (SQL's FROM BLOCK n), not the trusted one before it.
    return Status::InvalidArgument("verify: block " + std::to_string(start + 1) +
                                   " is beyond the newest block " + std::to_string(last_block_));
  }
  if (const auto& trusted = options_.trusted_digest) {
    if (trusted->last_block_index < start) {
      return Status::InvalidArgument("verify: the trusted digest predates the start block");
    }
  }
  RETURN_IF_ERROR(LoadAnchor());
  progress_.blocks_total = last_block_ - start;
  progress_.entries_total =
      leaves_stored_ > prev_.tree_size() ? leaves_stored_ - prev_.tree_size() : 0;
  return Status::OK();
}

Status Verifier::LoadAnchor() {
  const uint64_t start = options_.start_block;
  LedgerReader reader(source_);
  Result<BlockHeader> anchor = reader.ReadBlock(start);
  if (!anchor.ok()) {
    if (anchor.status().IsNotFound() || anchor.status().IsCorruption()) {
      Fail(start, std::nullopt,
           "the starting block's header cannot be read: " + anchor.status().ToString());
      return Status::OK();
    }
    return anchor.TakeStatus();
  }
  prev_ = *anchor;
  prev_hash_ = BlockHash(prev_);
  if (options_.trusted_digest && options_.trusted_digest->tree_size < prev_.tree_size()) {
    return Status::InvalidArgument("verify: the trusted digest predates the start block");
  }
  Result<MerkleFrontier> frontier = MerkleFrontier::Load(nodes_, prev_.tree_size());
  if (!frontier.ok()) {
    if (frontier.status().IsNotFound() || frontier.status().IsCorruption()) {
      Fail(start, std::nullopt,
           "the tree nodes under the starting block cannot be read: " +
               frontier.status().ToString());
      return Status::OK();
    }
    return frontier.TakeStatus();
  }
  tree_ = *frontier;
  if (tree_.Root() != prev_.tree_root) {
    Fail(start, std::nullopt,
         "the stored tree nodes do not lead to the starting block's tree root");
    return Status::OK();
  }
  CheckTrustedBlock(prev_);
  if (options_.trusted_digest && options_.trusted_digest->tree_size == tree_.size()) {
    trusted_root_seen_ = true;
    if (tree_.Root() != options_.trusted_digest->root) {
      Fail(start, std::nullopt, "the tree root differs from the trusted digest's root");
    }
  }
  return Status::OK();
}

void Verifier::CheckTrustedBlock(const BlockHeader& header) {
  const auto& trusted = options_.trusted_digest;
  if (!trusted || trusted->last_block_index != header.index) {
    return;
  }
  trusted_block_seen_ = true;
  if (BlockHash(header) != trusted->last_block_hash) {
    Fail(header.index, std::nullopt,
         "the block's hash differs from the trusted digest's last block hash: the header was "
         "altered");
  }
}

Status Verifier::AppendToTree(const Hash256& node, std::string* problem, uint32_t node_level) {
  Status io;
  tree_.AppendSubtree(node_level, node, [&](uint32_t level, uint64_t index, const Hash256& hash) {
    if (level < kChunkLevel || !io.ok() || !problem->empty()) {
      return;  // leaf hashes were compared in the leaf phase; lower nodes are not stored
    }
    const std::string what =
        "stored tree node (" + std::to_string(level) + ", " + std::to_string(index) + ")";
    std::string value;
    Result<bool> found = ReadRecord(NodeKey(level, index), what, &value, problem);
    if (!found.ok()) {
      io = found.TakeStatus();
    } else if (*found && value != AsBytes(hash)) {
      *problem = "the " + what + " is " + ToHex(value) + ", but the entries give " + HashHex(hash);
    }
  });
  RETURN_IF_ERROR(io);
  const auto& trusted = options_.trusted_digest;
  if (problem->empty() && trusted && trusted->tree_size == tree_.size()) {
    trusted_root_seen_ = true;
    if (tree_.Root() != trusted->root) {
      *problem = "the tree of " + std::to_string(tree_.size()) +
                 " entries differs from the trusted digest's root";
    }
  }
  return Status::OK();
}

Status Verifier::ReadHeaderChunk(uint64_t* next_block, const BlockHeader& after,
                                 std::vector<BlockHeader>* chunk,
                                 std::optional<VerifyFailure>* failure) const {
  LedgerReader reader(source_);
  uint64_t entries = 0;
  uint64_t first_leaf = after.tree_size();
  uint64_t log_index = after.log_index;
  auto fail = [failure](uint64_t block, std::optional<uint64_t> leaf, std::string reason) {
    *failure = VerifyFailure{block, leaf, std::move(reason)};
  };
  while (*next_block <= last_block_ && (chunk->empty() || entries < chunk_entries_)) {
    const uint64_t b = *next_block;
    Result<BlockHeader> header = reader.ReadBlock(b);
    if (!header.ok()) {
      if (!header.status().IsNotFound() && !header.status().IsCorruption()) {
        return header.TakeStatus();
      }
      fail(b, std::nullopt, "the header cannot be read: " + header.status().ToString());
      return Status::OK();
    }
    if (header->first_leaf != first_leaf || header->leaf_count == 0) {
      fail(b, std::nullopt,
           "the header covers leaves [" + std::to_string(header->first_leaf) + ", " +
               std::to_string(header->tree_size()) + "), but the block must start at leaf " +
               std::to_string(first_leaf) + " and hold at least one");
      return Status::OK();
    }
    if (header->tree_size() > leaves_stored_) {
      fail(b, leaves_stored_,
           "the leaf group of entry " + std::to_string(leaves_stored_) +
               " is missing (the block covers entries up to " +
               std::to_string(header->tree_size() - 1) + ")");
      return Status::OK();
    }
    if (header->log_index < log_index) {
      fail(b, std::nullopt, "the header's log index goes backwards");
      return Status::OK();
    }
    first_leaf = header->tree_size();
    log_index = header->log_index;
    entries += header->leaf_count;
    chunk->push_back(*header);
    ++*next_block;
  }
  return Status::OK();
}

bool Verifier::CheckLink(const BlockHeader& header) {
  if (header.prev_hash == prev_hash_) {
    return true;
  }
  // The previous block's roots verified, so either a field of its header or this link changed.
  const uint64_t b = header.index;
  const uint64_t blamed = prev_.index == options_.start_block ? b : prev_.index;
  Fail(blamed, std::nullopt,
       "the hash of block " + std::to_string(prev_.index) +
           "'s header no longer matches the prev_hash in block " + std::to_string(b) +
           ": a field of block " + std::to_string(prev_.index) + "'s header (or block " +
           std::to_string(b) + "'s link) was altered");
  return false;
}

const Hash256* Verifier::UsableOctet(uint64_t leaf, uint64_t chunk_begin,
                                     const LeafOutcomes& outcomes,
                                     const std::vector<std::optional<Hash256>>& octets) const {
  const size_t o = leaf / kOctetLeaves - chunk_begin / kOctetLeaves;
  if (leaf % kOctetLeaves != 0 || o >= octets.size() || !octets[o]) {
    return nullptr;
  }
  for (uint64_t i = 0; i < kOctetLeaves; ++i) {
    if (outcomes.has_problem(leaf + i - chunk_begin)) {
      return nullptr;
    }
  }
  const auto& trusted = options_.trusted_digest;
  if (trusted && trusted->tree_size > leaf && trusted->tree_size < leaf + kOctetLeaves) {
    return nullptr;
  }
  return &*octets[o];
}

Status Verifier::ReplayBlockLeaves(const BlockHeader& header, uint64_t chunk_begin,
                                   const LeafOutcomes& outcomes,
                                   const std::optional<Hash256>& data_root,
                                   const std::vector<std::optional<Hash256>>& octets) {
  const uint64_t b = header.index;
  std::optional<uint64_t> bad_leaf;
  std::string problem;
  for (uint64_t leaf = header.first_leaf; leaf < header.tree_size(); ++leaf) {
    // An octet inside the block whose 8 leaves are fine goes in as one subtree (BlockDataRoots
    // hashed it already); the nodes above it are checked as when its leaves go in one by one, and
    // the leaf that completes them is its last.
    if (!bad_leaf && header.tree_size() - leaf >= kOctetLeaves) {
      if (const Hash256* octet = UsableOctet(leaf, chunk_begin, outcomes, octets)) {
        RETURN_IF_ERROR(AppendToTree(*octet, &problem, kOctetLevel));
        leaf += kOctetLeaves - 1;
        if (!problem.empty()) {
          Fail(b, leaf, problem);
          return Status::OK();
        }
        continue;
      }
    }
    const size_t i = leaf - chunk_begin;
    const Hash256* hash = outcomes.hash(i);
    if (hash == nullptr) {
      Fail(b, bad_leaf.value_or(leaf), bad_leaf ? problem : outcomes.problem(i));
      return Status::OK();
    }
    if (bad_leaf) {
      continue;  // only checking that the block's data root could be recomputed
    }
    if (outcomes.has_problem(i)) {
      bad_leaf = leaf;
      problem = outcomes.problem(i);
      if (!outcomes.stored_hash_differs(i)) {
        Fail(b, leaf, problem);
        return Status::OK();
      }
      continue;
    }
    RETURN_IF_ERROR(AppendToTree(*hash, &problem));
    if (!problem.empty()) {
      Fail(b, leaf, problem);
      return Status::OK();
    }
  }
  if (bad_leaf) {
    Fail(b, bad_leaf,
         problem + (*data_root == header.data_root
                        ? "; the rows still match the block's data root, so the stored leaf "
                          "hash was altered"
                        : "; the block's data root no longer matches, so the row or its leaf "
                          "group was altered"));
  }
  return Status::OK();
}

Status Verifier::CheckBlock(const BlockHeader& header, uint64_t chunk_begin,
                            const LeafOutcomes& outcomes, const std::optional<Hash256>& data_root,
                            const std::vector<std::optional<Hash256>>& octets) {
  if (!CheckLink(header)) {
    return Status::OK();
  }
  RETURN_IF_ERROR(ReplayBlockLeaves(header, chunk_begin, outcomes, data_root, octets));
  if (report_.failure) {
    return Status::OK();
  }
  // Every leaf hash was recomputed (ReplayBlockLeaves fails otherwise), so data_root is set.
  if (*data_root != header.data_root) {
    Fail(header.index, std::nullopt,
         "the header's data root " + HashHex(header.data_root) +
             " differs from the root of the block's entries " + HashHex(*data_root));
  } else if (tree_.Root() != header.tree_root) {
    Fail(header.index, std::nullopt,
         "the header's tree root " + HashHex(header.tree_root) +
             " differs from the recomputed tree root " + HashHex(tree_.Root()));
  } else {
    CheckTrustedBlock(header);
  }
  if (report_.failure) {
    return Status::OK();
  }
  prev_ = header;
  prev_hash_ = BlockHash(header);
  ++report_.blocks_checked;
  report_.entries_checked += header.leaf_count;
  return Status::OK();
}

Status Verifier::PrepareChunk(uint64_t* next_block, const BlockHeader& after,
                              PreparedChunk* out) const {
  RETURN_IF_ERROR(ReadHeaderChunk(next_block, after, &out->chunk, &out->header_failure));
  if (out->chunk.empty()) {
    return Status::OK();
  }
  const uint64_t begin = out->chunk.front().first_leaf;
  RETURN_IF_ERROR(LeafHashes(begin, out->chunk.back().tree_size(), &out->outcomes));
  out->roots = BlockDataRoots(out->chunk, begin, out->outcomes);
  return Status::OK();
}

Status Verifier::LeafHashes(uint64_t begin, uint64_t end, LeafOutcomes* out) const {
  if (first_pass_) {
    return ReadStoredLeafHashes(source_, begin, end, out);
  }
  return VerifyLeafRange(source_, begin, end, out);
}

Status Verifier::CheckChunk(const PreparedChunk& prepared) {
  const std::vector<BlockHeader>& chunk = prepared.chunk;
  for (size_t i = 0; i < chunk.size() && !report_.failure; ++i) {
    RETURN_IF_ERROR(CheckBlock(chunk[i], chunk.front().first_leaf, prepared.outcomes,
                               prepared.roots.data_roots[i], prepared.roots.octets));
  }
  if (report_.failure) {
    return Status::OK();
  }
  progress_.blocks_done = report_.blocks_checked;
  progress_.entries_done = report_.entries_checked;
  ReportProgress();
  report_.failure = prepared.header_failure;
  return Status::OK();
}

Status Verifier::VerifyBlocks() {
  uint64_t next_block = options_.start_block + 1;
  if (next_block > last_block_) {
    return Status::OK();
  }
  PreparedChunk current;
  RETURN_IF_ERROR(PrepareChunk(&next_block, prev_, &current));
  for (;;) {
    // The next chunk is prepared on another thread while this one's blocks are checked here (the
    // tree rebuild is sequential); its headers continue from this chunk's last one, which is
    // where the chain stands if this chunk verifies.
    if (stop_join_) {
      Fail(std::nullopt, std::nullopt, "the rows do not rebuild the stored leaf hashes");
      return Status::OK();
    }
    const bool more =
        !current.header_failure && !current.chunk.empty() && next_block <= last_block_;
    PreparedChunk next;
    Status next_status;
    std::thread prefetch;
    if (more) {
      try {
        prefetch = std::thread(
            [&] { next_status = PrepareChunk(&next_block, current.chunk.back(), &next); });
      } catch (const std::system_error&) {
        // No thread available: prepared below, after the check.
      }
    }
    const Status checked = CheckChunk(current);
    if (prefetch.joinable()) {
      prefetch.join();
    } else if (more && checked.ok() && !report_.failure) {
      next_status = PrepareChunk(&next_block, current.chunk.back(), &next);
    }
    RETURN_IF_ERROR(checked);
    if (!more || report_.failure) {
      return Status::OK();
    }
    RETURN_IF_ERROR(next_status);
    current = std::move(next);
  }
}

Status Verifier::VerifyUnsealed() {
  uint64_t begin = prev_.tree_size();
  while (begin < leaves_stored_ && !report_.failure) {
    const uint64_t end = begin + std::min(chunk_entries_, leaves_stored_ - begin);
    LeafOutcomes outcomes;
    RETURN_IF_ERROR(LeafHashes(begin, end, &outcomes));
    for (uint64_t leaf = begin; leaf < end; ++leaf) {
      std::string problem = outcomes.problem(leaf - begin);
      if (problem.empty()) {
        RETURN_IF_ERROR(AppendToTree(*outcomes.hash(leaf - begin), &problem));
      }
      if (!problem.empty()) {
        Fail(std::nullopt, leaf, problem);
        return Status::OK();
      }
      ++report_.entries_checked;
    }
    progress_.entries_done = report_.entries_checked;
    ReportProgress();
    begin = end;
  }
  return Status::OK();
}

Status Verifier::CheckNothingBeyond() {
  std::unique_ptr<Iterator> it = source_.new_iterator();
  it->Seek(BlockKey(last_block_ + 1));
  if (it->Valid()) {
    if (std::optional<uint64_t> b = ParseIndexedKey(kBlockTag, it->key())) {
      Fail(last_block_ + 1, std::nullopt,
           "the header is missing, but block " + std::to_string(*b) + " is stored");
      return Status::OK();
    }
  }
  return it->status();
}

Status Verifier::CheckRowsCovered(RowCounter* counter) {
  ASSIGN_OR_RETURN(uint64_t rows, counter->Finish());
  if (rows != leaves_stored_) {
    Fail(std::nullopt, std::nullopt,
         "the store holds " + std::to_string(rows) + " rows but the ledger has " +
             std::to_string(leaves_stored_) + " entries: rows were added or removed outside it");
  }
  return Status::OK();
}

void Verifier::CheckTrustedAtEnd() {
  const auto& trusted = options_.trusted_digest;
  if (!trusted) {
    return;
  }
  if (!trusted_block_seen_) {
    Fail(trusted->last_block_index, std::nullopt,
         "the trusted digest names this block, but the stored ledger ends at block " +
             std::to_string(last_block_) + ": blocks were removed");
  } else if (!trusted_root_seen_) {
    Fail(std::nullopt, std::nullopt,
         "the trusted digest has " + std::to_string(trusted->tree_size) +
             " entries, but the stored ledger only " + std::to_string(tree_.size()) +
             ": entries were removed");
  }
}

void Verifier::RunJoin() {
  joined_ =
      JoinLeavesWithRows(source_, join_begin_, join_end_, options_.join_range_entries, &stop_join_);
  if (!joined_.ok() || !joined_->all_match) {
    stop_join_ = true;  // the checks here stop too: the exact pass follows
  }
}

void Verifier::StartJoin() {
  // Every entry after the anchor: the blocks checked here and the unsealed tail.
  join_begin_ = prev_.tree_size();
  join_end_ = std::max(join_begin_, leaves_stored_);
  try {
    join_thread_ = std::thread([this] { RunJoin(); });
  } catch (const std::system_error&) {
    // No thread available: FinishJoin() joins here.
  }
}

Status Verifier::FinishJoin() {
  if (report_.failure) {
    stop_join_ = true;  // the join's answer no longer matters
  }
  if (join_thread_.joinable()) {
    join_thread_.join();
  } else if (!report_.failure) {
    RunJoin();
  }
  RETURN_IF_ERROR(joined_.status());
  if (report_.failure) {
    return Status::OK();
  }
  if (!joined_->all_match || joined_->leaves != join_end_ - join_begin_) {
    Fail(std::nullopt, std::nullopt, "the rows do not rebuild the stored leaf hashes");
  } else if (options_.check_rows_covered && joined_->rows != leaves_stored_) {
    Fail(std::nullopt, std::nullopt, "the rows are not one per entry");
  }
  return Status::OK();
}

Result<VerifyReport> Verifier::Run() {
  const auto started = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(Prepare());
  ReportProgress();
  // Reported only when the checks before it find nothing (their findings come first).
  RowCounter counter(source_);
  if (!report_.failure && first_pass_) {
    StartJoin();
  } else if (!report_.failure && options_.check_rows_covered) {
    counter.Start();
  }
  Status checked = Status::OK();
  if (!report_.failure) {
    checked = VerifyBlocks();
  }
  if (checked.ok() && !report_.failure) {
    checked = VerifyUnsealed();
  }
  if (checked.ok() && !report_.failure) {
    checked = CheckNothingBeyond();
  }
  if (checked.ok() && !report_.failure) {
    CheckTrustedAtEnd();
  }
  if (first_pass_) {
    if (!checked.ok()) {
      stop_join_ = true;
    }
    const Status join_status = FinishJoin();
    RETURN_IF_ERROR(checked);
    RETURN_IF_ERROR(join_status);
  }
  RETURN_IF_ERROR(checked);
  if (!first_pass_ && !report_.failure && options_.check_rows_covered) {
    RETURN_IF_ERROR(CheckRowsCovered(&counter));
  }
  report_.digest.tree_size = tree_.size();
  report_.digest.root = tree_.Root();
  report_.digest.last_block_index = prev_.index;
  report_.digest.last_block_hash = prev_hash_;
  report_.elapsed_micros =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::steady_clock::now() - started)
                                .count());
  return report_;
}

}  // namespace

std::string VerifyReport::ToString() const {
  char seconds[32];
  std::snprintf(seconds, sizeof(seconds), "%.2f", static_cast<double>(elapsed_micros) / 1e6);
  if (ok()) {
    return "OK: " + std::to_string(blocks_checked) + " blocks, " + std::to_string(entries_checked) +
           " entries verified in " + seconds +
           " s; digest tree_size=" + std::to_string(digest.tree_size) +
           " root=" + HashHex(digest.root) +
           " last_block=" + std::to_string(digest.last_block_index) +
           " last_block_hash=" + HashHex(digest.last_block_hash);
  }
  std::string where;
  if (failure->block_index) {
    where = "block " + std::to_string(*failure->block_index);
  } else if (failure->leaf_index) {
    where = "the entries after the last block";
  } else {
    where = "the store";
  }
  if (failure->leaf_index) {
    where += ", entry " + std::to_string(*failure->leaf_index);
  }
  return "FAILED at " + where + ": " + failure->reason;
}

Result<VerifyReport> VerifyLedger(const RecordSource& source, const VerifyOptions& options) {
  if (options.chunk_entries == 0 || options.join_range_entries == 0) {
    return Status::InvalidArgument(
        "verify: chunk_entries and join_range_entries must be at least 1");
  }
  const auto started = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(VerifyReport report, Verifier(source, options, /*first_pass=*/true).Run());
  if (!report.ok()) {
    // The first pass tells only that something does not verify: the exact pass finds the first
    // bad block and entry and says why (and has the last word, whatever the first pass said).
    ASSIGN_OR_RETURN(report, Verifier(source, options, /*first_pass=*/false).Run());
  }
  report.elapsed_micros =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::steady_clock::now() - started)
                                .count());
  return report;
}

}  // namespace blockdb::ledger
