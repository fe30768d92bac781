#include "engine/ledger/verify_leaves.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <system_error>
#include <thread>

#include "common/coding.h"
#include "common/sha256_lanes.h"
#include "engine/ledger/entry.h"
#include "engine/ledger/frontier.h"

namespace blockdb::ledger {
namespace {

// Steps an iterator takes forward before a Seek is cheaper.
constexpr int kMaxSteps = 16;

// How many sorted keys ahead the check loop prefetches the memory of (first the leaf's reference,
// then, half as far ahead, the key, stored hash and outcome it points to): the leaves of a range
// are visited in key order, so every one of those reads is a cache (and TLB) miss otherwise.
constexpr size_t kPrefetchAhead = 16;

// Reads records in increasing key order through one iterator, stepping forward when the next key
// is close and seeking otherwise. A key never precedes the one asked before.
class ForwardCursor {
 public:
  explicit ForwardCursor(const RecordSource& source) : source_(source) {}

  // OK and *value (valid until the next call), NotFound, or the error of reading `key`
  // (Corruption for a damaged record).
  Status Get(std::string_view key, std::string_view* value) {
    if (it_ == nullptr) {
      it_ = source_.new_iterator();
      it_->Seek(key);
    } else if (it_->Valid() && it_->key() < key) {
      for (int step = 0; step < kMaxSteps && it_->Valid() && it_->key() < key; ++step) {
        it_->Next();
      }
      if (it_->Valid() && it_->key() < key) {
        it_->Seek(key);
      }
    }
    // Otherwise the iterator is at the first key >= an earlier (smaller or equal) key, or at the
    // end: either way it is where a Seek(key) would put it.
    if (!it_->status().ok()) {
      // The iterator met a damaged block (its error is sticky): read this key by itself, so that
      // the damage is reported for the records it concerns, and start afresh for the next one.
      it_.reset();
      Status s = source_.get(key, &fallback_);
      *value = fallback_;
      return s;
    }
    if (!it_->Valid() || it_->key() != key) {
      return Status::NotFound("");
    }
    *value = it_->value();
    return Status::OK();
  }

 private:
  const RecordSource& source_;
  std::unique_ptr<Iterator> it_;
  std::string fallback_;
};

// The fields a leaf group gives all its leaves.
struct GroupMeta {
  uint64_t first_leaf = 0;
  uint64_t last_leaf = 0;
  uint64_t log_index = 0;
  uint64_t txn_id = 0;
  int64_t timestamp_micros = 0;
};

// The leaf groups one thread read: their encoded records (which the leaves point into) and fields.
struct GroupStore {
  std::deque<std::string> records;
  std::deque<GroupMeta> metas;
};

// One leaf of the range: its stored hash and key (inside its group's kept record) and its group.
struct LeafRef {
  const char* hash = nullptr;  // 32 bytes
  const char* key = nullptr;
  uint32_t key_len = 0;
  const GroupMeta* group = nullptr;  // nullptr when the leaf's group was not read

  std::string_view key_view() const { return {key, key_len}; }
};

void MarkRange(uint64_t begin, uint64_t from, uint64_t to, const std::string& problem,
               LeafOutcomes* out) {
  for (uint64_t i = from; i < to; ++i) {
    out->AddProblem(i - begin, problem);
  }
}

// Keeps a decoded group's record and points its leaves in [next, stop) at it.
void KeepGroup(std::string_view record, uint64_t last, uint64_t base, uint64_t next, uint64_t stop,
               GroupStore* store, LeafGroupView* view, std::vector<LeafRef>* refs) {
  const std::string& kept = store->records.emplace_back(record);
  (void)DecodeLeafGroupView(last, kept, view);  // decoded once already: cannot fail
  const GroupMeta& meta = store->metas.emplace_back(GroupMeta{
      view->first_leaf, view->last_leaf(), view->log_index, view->txn_id, view->timestamp_micros});
  for (uint64_t i = next; i < stop; ++i) {
    const LeafGroupView::Leaf& leaf = view->leaves[i - meta.first_leaf];
    (*refs)[i - base] =
        LeafRef{leaf.hash, leaf.key.data(), static_cast<uint32_t>(leaf.key.size()), &meta};
  }
}

// Reads the leaf groups of [begin, end) with one scan, filling refs (indexed from `base`) and
// recording missing, undecodable and overlapping groups as problems of their leaves in out (also
// indexed from `base`).
Status ReadGroups(const RecordSource& source, uint64_t base, uint64_t begin, uint64_t end,
                  GroupStore* store, std::vector<LeafRef>* refs, LeafOutcomes* out) {
  std::unique_ptr<Iterator> it = source.new_iterator();
  LeafGroupView view;
  uint64_t next = begin;  // first leaf not yet accounted for
  bool first = true;
  for (it->Seek(LeafGroupKey(begin)); next < end && it->Valid(); it->Next(), first = false) {
    const std::optional<uint64_t> last = ParseIndexedKey(kLeafGroupTag, it->key());
    if (!last) {
      break;  // past the last group
    }
    const uint64_t stop = std::min(*last + 1, end);
    if (Status s = DecodeLeafGroupView(*last, it->value(), &view); !s.ok()) {
      MarkRange(base, next, stop,
                "the leaf group ending at entry " + std::to_string(*last) +
                    " cannot be decoded: " + s.message(),
                out);
      next = std::max(next, stop);
      continue;
    }
    if (view.first_leaf > next) {
      MarkRange(base, next, std::min(view.first_leaf, end),
                "the leaf group of entry " + std::to_string(next) + " is missing", out);
      next = std::min(view.first_leaf, end);
    } else if (view.first_leaf < next && !first) {
      MarkRange(base, next, stop,
                "the leaf group ending at entry " + std::to_string(*last) +
                    " overlaps the group before it",
                out);
      next = std::max(next, stop);
      continue;
    }
    KeepGroup(it->value(), *last, base, next, stop, store, &view, refs);
    next = std::max(next, stop);
  }
  if (!it->status().ok()) {
    if (!it->status().IsCorruption()) {
      return it->status().Annotate("verify: reading leaf groups");
    }
    MarkRange(base, next, end,
              "the leaf group of entry " + std::to_string(next) +
                  " cannot be read: " + it->status().ToString(),
              out);
    return Status::OK();
  }
  MarkRange(base, next, end, "the leaf group of entry " + std::to_string(next) + " is missing",
            out);
  return Status::OK();
}

// Reads row `key` through the cursor: true when found; false with *problem set when it is missing
// or damaged; an error when the store cannot be read.
Result<bool> ReadRow(ForwardCursor* cursor, std::string_view key, std::string_view* value,
                     std::string* problem) {
  Status s = cursor->Get(key, value);
  if (s.ok()) {
    return true;
  }
  if (s.IsNotFound()) {
    *problem = "the row " + DescribeRowKey(key) + " is missing";
    return false;
  }
  if (s.IsCorruption()) {
    *problem = "the row " + DescribeRowKey(key) + " cannot be read: " + s.ToString();
    return false;
  }
  return s.Annotate("verify: reading the row " + DescribeRowKey(key));
}

// A leaf's place in the sort by row key: the first 16 bytes of the key as two numbers decide
// almost always, without touching the keys' memory; the whole key breaks ties (then the leaf
// order, for a key claimed twice).
struct SortKey {
  uint64_t high;
  uint64_t low;
  uint32_t offset;
};

struct SortKeyLess {
  const std::vector<LeafRef>* refs;
  bool operator()(const SortKey& a, const SortKey& b) const {
    if (a.high != b.high) {
      return a.high < b.high;
    }
    if (a.low != b.low) {
      return a.low < b.low;
    }
    const std::string_view ka = (*refs)[a.offset].key_view();
    const std::string_view kb = (*refs)[b.offset].key_view();
    return ka != kb ? ka < kb : a.offset < b.offset;
  }
};

SortKey MakeSortKey(const LeafRef& ref, uint32_t offset) {
  KeyPrefix128 prefix = KeyPrefixOf(ref.key_view());
  return SortKey{prefix.high, prefix.low, offset};
}

}  // namespace

KeyPrefix128 KeyPrefixOf(std::string_view key) {
  char bytes[16] = {};
  std::memcpy(bytes, key.data(), std::min(key.size(), sizeof(bytes)));
  return KeyPrefix128{DecodeBigEndian64(bytes), DecodeBigEndian64(bytes + 8)};
}

namespace {

// Checks the leaves sorted[0, count) against their rows.
Status CheckSorted(const RecordSource& source, const std::vector<LeafRef>& refs,
                   const SortKey* sorted, size_t count, LeafOutcomes* out) {
  ForwardCursor rows(source);
  std::string_view row;
  std::string problem;
  for (size_t n = 0; n < count; ++n) {
    if (n + kPrefetchAhead < count) {
      __builtin_prefetch(&refs[sorted[n + kPrefetchAhead].offset]);
    }
    if (n + kPrefetchAhead / 2 < count) {
      const uint32_t ahead = sorted[n + kPrefetchAhead / 2].offset;
      __builtin_prefetch(refs[ahead].key);
      __builtin_prefetch(refs[ahead].hash);
      __builtin_prefetch(out->hash_slot(ahead), 1);
    }
    const uint32_t offset = sorted[n].offset;
    const LeafRef& ref = refs[offset];
    const std::string_view key = ref.key_view();
    ASSIGN_OR_RETURN(bool found, ReadRow(&rows, key, &row, &problem));
    if (!found) {
      out->AddProblem(offset, std::move(problem));
      continue;
    }
    const GroupMeta& g = *ref.group;
    const Hash256 hash =
        EntryLeafHash(EntryView{g.log_index, g.txn_id, g.timestamp_micros, key, row});
    out->SetHash(offset, hash);
    if (std::memcmp(hash.data(), ref.hash, hash.size()) != 0) {
      out->AddProblem(offset,
                      "the entry rebuilt from row " + DescribeRowKey(key) + " hashes to " +
                          ToHex(AsBytes(hash)) + ", but the stored leaf hash is " +
                          ToHex(std::string_view(ref.hash, hash.size())),
                      /*stored_hash_differs=*/true);
    }
  }
  return Status::OK();
}

}  // namespace

std::string DescribeRowKey(std::string_view key) {
  constexpr size_t kMaxShown = 32;
  if (key.size() <= kMaxShown) {
    return ToHex(key);
  }
  return ToHex(key.substr(0, kMaxShown)) + "... (" + std::to_string(key.size()) + " bytes)";
}

Status RunOnTwoThreads(size_t n,
                       const std::function<Status(int part, size_t begin, size_t end)>& work) {
  const size_t half = n / 2;
  Status second;
  auto run_second = [&] { second = work(1, half, n); };
  std::thread worker;
  try {
    worker = std::thread(run_second);
  } catch (const std::system_error&) {
    run_second();  // no second thread available: do its half here
  }
  Status first = work(0, 0, half);
  if (worker.joinable()) {
    worker.join();
  }
  RETURN_IF_ERROR(first);
  return second;
}

namespace {

// The sorted keys of the leaves at offsets [lo, hi) whose group was read.
std::vector<SortKey> SortedKeys(const std::vector<LeafRef>& refs, const LeafOutcomes& out,
                                size_t lo, size_t hi) {
  std::vector<SortKey> keys;
  keys.reserve(hi - lo);
  for (size_t i = lo; i < hi; ++i) {
    if (refs[i].group != nullptr && !out.has_problem(i)) {
      keys.push_back(MakeSortKey(refs[i], static_cast<uint32_t>(i)));
    }
  }
  std::sort(keys.begin(), keys.end(), SortKeyLess{&refs});
  return keys;
}

// The second half's scan takes its first group as it finds it (a group may start before the
// half): that group must be the first half's last one, or start right after it.
void CheckHalvesMeet(uint64_t begin, size_t mid, const std::vector<LeafRef>& refs,
                     LeafOutcomes* out) {
  if (mid == 0 || mid >= refs.size() || refs[mid - 1].group == nullptr ||
      refs[mid].group == nullptr) {
    return;  // nothing on one side, or its absence is already a problem
  }
  const GroupMeta& before = *refs[mid - 1].group;
  const GroupMeta& after = *refs[mid].group;
  const bool same = before.first_leaf == after.first_leaf && before.last_leaf == after.last_leaf;
  if (!same && after.first_leaf != before.last_leaf + 1) {
    MarkRange(begin, begin + mid, std::min<uint64_t>(after.last_leaf + 1, begin + refs.size()),
              "the leaf group ending at entry " + std::to_string(after.last_leaf) +
                  " overlaps the group before it",
              out);
  }
}

}  // namespace

void LeafOutcomes::Reset(size_t n) {
  hashes_.assign(n, Hash256{});
  state_.assign(n, 0);
  problems_.clear();
}

std::string LeafOutcomes::problem(size_t i) const {
  if (!has_problem(i)) {
    return "";
  }
  std::lock_guard<std::mutex> lock(*mu_);
  return problems_.at(i);
}

void LeafOutcomes::AddProblem(size_t i, std::string problem, bool stored_hash_differs) {
  if (has_problem(i)) {
    return;
  }
  {
    std::lock_guard<std::mutex> lock(*mu_);
    problems_.emplace(i, std::move(problem));
  }
  state_[i] |= kProblem | (stored_hash_differs ? kStoredDiffers : 0);
}

Status VerifyLeafRange(const RecordSource& source, uint64_t begin, uint64_t end,
                       LeafOutcomes* out) {
  const size_t n = end - begin;
  out->Reset(n);
  std::vector<LeafRef> refs(n);
  // Each thread reads the groups of half the range and sorts that half's keys.
  GroupStore groups[2];
  std::vector<SortKey> sorted[2];
  RETURN_IF_ERROR(RunOnTwoThreads(n, [&](int part, size_t lo, size_t hi) {
    return ReadGroups(source, begin, begin + lo, begin + hi, &groups[part], &refs, out);
  }));
  CheckHalvesMeet(begin, n / 2, refs, out);
  RETURN_IF_ERROR(RunOnTwoThreads(n, [&](int part, size_t lo, size_t hi) {
    sorted[part] = SortedKeys(refs, *out, lo, hi);
    return Status::OK();
  }));
  std::vector<SortKey> merged(sorted[0].size() + sorted[1].size());
  std::merge(sorted[0].begin(), sorted[0].end(), sorted[1].begin(), sorted[1].end(), merged.begin(),
             SortKeyLess{&refs});
  sorted[0] = {};
  sorted[1] = {};
  return RunOnTwoThreads(merged.size(), [&](int /*part*/, size_t lo, size_t hi) {
    return CheckSorted(source, refs, merged.data() + lo, hi - lo, out);
  });
}

Status ReadStoredLeafHashes(const RecordSource& source, uint64_t begin, uint64_t end,
                            LeafOutcomes* out) {
  const size_t n = end - begin;
  out->Reset(n);
  // One scan, copying each stored hash straight out of its group. On anything unusual (a gap, an
  // overlap, a group that cannot be decoded or read) the groups are read again by ReadGroups,
  // which records the problems.
  std::unique_ptr<Iterator> it = source.new_iterator();
  LeafGroupView view;
  uint64_t next = begin;
  bool first = true;
  bool clean = true;
  for (it->Seek(LeafGroupKey(begin)); next < end && it->Valid() && clean;
       it->Next(), first = false) {
    const std::optional<uint64_t> last = ParseIndexedKey(kLeafGroupTag, it->key());
    clean = last && DecodeLeafGroupView(*last, it->value(), &view).ok() &&
            view.first_leaf <= next && (view.first_leaf == next || first);
    if (clean) {
      const uint64_t stop = std::min(*last + 1, end);
      for (uint64_t i = next; i < stop; ++i) {
        Hash256 hash;
        std::memcpy(hash.data(), view.leaves[i - view.first_leaf].hash, hash.size());
        out->SetHash(i - begin, hash);
      }
      next = stop;
    }
  }
  if (clean && next >= end && it->status().ok()) {
    return Status::OK();
  }
  if (!it->status().ok() && !it->status().IsCorruption()) {
    return it->status().Annotate("verify: reading leaf groups");
  }
  out->Reset(n);
  std::vector<LeafRef> refs(n);
  GroupStore groups;
  RETURN_IF_ERROR(ReadGroups(source, begin, begin, end, &groups, &refs, out));
  for (size_t i = 0; i < n; ++i) {
    if (refs[i].group != nullptr && !out->has_problem(i)) {
      Hash256 hash;
      std::memcpy(hash.data(), refs[i].hash, hash.size());
      out->SetHash(i, hash);
    }
  }
  return Status::OK();
}

RowCounter::~RowCounter() {
  stop_ = true;
  if (thread_.joinable()) {
    thread_.join();
  }
}

void RowCounter::Start() {
  try {
    thread_ = std::thread([this] { Count(); });
  } catch (const std::system_error&) {
    // No thread available: Finish() counts on the caller's thread.
  }
}

Result<uint64_t> RowCounter::Finish() {
  if (thread_.joinable()) {
    thread_.join();
  } else {
    Count();
  }
  RETURN_IF_ERROR(status_);
  return rows_;
}

void RowCounter::Count() {
  std::unique_ptr<Iterator> it = source_.new_iterator();
  uint64_t rows = 0;
  for (it->SeekToFirst(); it->Valid() && (it->key().empty() || it->key()[0] != kRecordPrefix);
       it->Next()) {
    if (++rows % 4096 == 0 && stop_) {
      return;  // the verification ended early (an error or a failure): the count is not used
    }
  }
  status_ = it->status();
  rows_ = rows;
}

ChunkRoots BlockDataRoots(const std::vector<BlockHeader>& blocks, uint64_t begin,
                          const LeafOutcomes& outcomes) {
  constexpr size_t kOctetBatch = kSha256Lanes;  // octets hashed together (OctetRoots)
  ChunkRoots out;
  out.data_roots.resize(blocks.size());
  if (!blocks.empty()) {
    out.octets.resize(blocks.back().tree_size() / kOctetLeaves - begin / kOctetLeaves + 1);
  }
  // Cannot fail: every status is OK. Each thread writes the entries of its own blocks.
  (void)RunOnTwoThreads(blocks.size(), [&](int /*part*/, size_t lo, size_t hi) {
    for (size_t b = lo; b < hi; ++b) {
      const uint64_t first = blocks[b].first_leaf;
      const uint64_t end = blocks[b].tree_size();
      MerkleFrontier tree;
      bool complete = true;
      uint64_t leaf = first;
      while (leaf < end && complete) {
        // Up to kOctetBatch whole aligned octets, hashed together.
        size_t octets = 0;
        const Hash256* h[kOctetBatch * kOctetLeaves];
        while (octets < kOctetBatch && leaf % kOctetLeaves == 0 &&
               end - leaf >= (octets + 1) * kOctetLeaves) {
          bool present = true;
          for (uint64_t i = 0; i < kOctetLeaves; ++i) {
            const Hash256* hash = outcomes.hash(leaf + octets * kOctetLeaves + i - begin);
            h[octets * kOctetLeaves + i] = hash;
            present = present && hash != nullptr;
          }
          if (!present) {
            complete = false;  // after the whole octets before this one
            break;
          }
          ++octets;
        }
        if (octets > 0) {
          Hash256 roots[kOctetBatch];
          OctetRoots(h, octets, roots);
          for (size_t o = 0; o < octets; ++o) {
            out.octets[leaf / kOctetLeaves - begin / kOctetLeaves] = roots[o];
            if (first % kOctetLeaves == 0) {
              tree.AppendSubtree(kOctetLevel, roots[o]);
            } else {
              for (uint64_t i = 0; i < kOctetLeaves; ++i) {
                tree.Append(*h[o * kOctetLeaves + i]);
              }
            }
            leaf += kOctetLeaves;
          }
          continue;
        }
        if (!complete) {
          break;
        }
        const Hash256* hash = outcomes.hash(leaf - begin);
        complete = hash != nullptr;
        if (complete) {
          tree.Append(*hash);
        }
        ++leaf;
      }
      if (complete) {
        out.data_roots[b] = tree.Root();
      }
    }
    return Status::OK();
  });
  return out;
}

}  // namespace blockdb::ledger
