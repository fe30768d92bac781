#include "engine/ledger/verify_leaves.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <system_error>
#include <thread>

#include "common/coding.h"
#include "engine/ledger/entry.h"
#include "engine/ledger/frontier.h"

namespace blockdb::ledger {
namespace {

// Steps an iterator takes forward before a Seek is cheaper.
constexpr int kMaxSteps = 16;

// Reads records in increasing key order through one iterator, stepping forward when the next key
// is close and seeking otherwise. A key never precedes the one asked before.
class ForwardCursor {
 public:
  explicit ForwardCursor(const RecordSource& source) : source_(source) {}

  // OK and *value, NotFound, or the error of reading `key` (Corruption for a damaged record).
  Status Get(std::string_view key, std::string* value) {
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
      return source_.get(key, value);
    }
    if (!it_->Valid() || it_->key() != key) {
      return Status::NotFound("");
    }
    value->assign(it_->value());
    return Status::OK();
  }

 private:
  const RecordSource& source_;
  std::unique_ptr<Iterator> it_;
};

// One leaf of the range: where its locator and stored hash are.
struct LeafRef {
  const LeafGroup* group = nullptr;
  size_t pos = 0;
  const LeafGroup::Leaf& leaf() const { return group->leaves[pos]; }
};

void MarkRange(uint64_t begin, uint64_t from, uint64_t to, const std::string& problem,
               std::vector<LeafOutcome>* out) {
  for (uint64_t i = from; i < to; ++i) {
    LeafOutcome& o = (*out)[i - begin];
    if (o.problem.empty()) {
      o.problem = problem;
    }
  }
}

// Reads the leaf groups of [begin, end) with one scan, filling refs (indexed from `base`) and
// recording missing, undecodable and overlapping groups as problems of their leaves in out (also
// indexed from `base`).
Status ReadGroups(const RecordSource& source, uint64_t base, uint64_t begin, uint64_t end,
                  std::deque<LeafGroup>* groups, std::vector<LeafRef>* refs,
                  std::vector<LeafOutcome>* out) {
  std::unique_ptr<Iterator> it = source.new_iterator();
  uint64_t next = begin;  // first leaf not yet accounted for
  bool first = true;
  for (it->Seek(LeafGroupKey(begin)); next < end && it->Valid(); it->Next(), first = false) {
    const std::optional<uint64_t> last = ParseIndexedKey(kLeafGroupTag, it->key());
    if (!last) {
      break;  // past the last group
    }
    const uint64_t stop = std::min(*last + 1, end);
    LeafGroup group;
    if (Status s = DecodeLeafGroup(*last, it->value(), &group); !s.ok()) {
      MarkRange(base, next, stop,
                "the leaf group ending at entry " + std::to_string(*last) +
                    " cannot be decoded: " + s.message(),
                out);
      next = std::max(next, stop);
      continue;
    }
    if (group.first_leaf > next) {
      MarkRange(base, next, std::min(group.first_leaf, end),
                "the leaf group of entry " + std::to_string(next) + " is missing", out);
      next = std::min(group.first_leaf, end);
    } else if (group.first_leaf < next && !first) {
      MarkRange(base, next, stop,
                "the leaf group ending at entry " + std::to_string(*last) +
                    " overlaps the group before it",
                out);
      next = std::max(next, stop);
      continue;
    }
    const LeafGroup& kept = groups->emplace_back(std::move(group));
    for (uint64_t i = next; i < stop; ++i) {
      (*refs)[i - base] = LeafRef{&kept, static_cast<size_t>(i - kept.first_leaf)};
    }
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
Result<bool> ReadRow(ForwardCursor* cursor, std::string_view key, std::string* value,
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

// Checks the leaves at the given offsets (sorted by row key) against their rows.
Status CheckSorted(const RecordSource& source, const std::vector<LeafRef>& refs,
                   const uint32_t* order, size_t count, std::vector<LeafOutcome>* out) {
  ForwardCursor rows(source);
  std::string row;
  for (size_t n = 0; n < count; ++n) {
    const uint32_t offset = order[n];
    const LeafRef& ref = refs[offset];
    const LeafGroup::Leaf& leaf = ref.leaf();
    LeafOutcome& o = (*out)[offset];
    ASSIGN_OR_RETURN(bool found, ReadRow(&rows, leaf.key, &row, &o.problem));
    if (!found) {
      continue;
    }
    const Hash256 hash = EntryLeafHash(EntryView{ref.group->log_index, ref.group->txn_id,
                                                 ref.group->timestamp_micros, leaf.key, row});
    o.hash = hash;
    if (hash != leaf.hash) {
      o.problem = "the entry rebuilt from row " + DescribeRowKey(leaf.key) + " hashes to " +
                  ToHex(AsBytes(hash)) + ", but the stored leaf hash is " +
                  ToHex(AsBytes(leaf.hash));
      o.stored_hash_differs = true;
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

// A leaf's place in the sort by row key: the first 8 bytes of the key as a number decide almost
// always, without touching the keys' memory; the whole key breaks ties (then the leaf order, for a
// key claimed twice).
struct SortKey {
  uint64_t prefix;
  uint32_t offset;
};

struct SortKeyLess {
  const std::vector<LeafRef>* refs;
  bool operator()(const SortKey& a, const SortKey& b) const {
    if (a.prefix != b.prefix) {
      return a.prefix < b.prefix;
    }
    const std::string& ka = (*refs)[a.offset].leaf().key;
    const std::string& kb = (*refs)[b.offset].leaf().key;
    return ka != kb ? ka < kb : a.offset < b.offset;
  }
};

// The sorted keys of the leaves at offsets [lo, hi) whose group was read.
std::vector<SortKey> SortedKeys(const std::vector<LeafRef>& refs,
                                const std::vector<LeafOutcome>& out, size_t lo, size_t hi) {
  std::vector<SortKey> keys;
  keys.reserve(hi - lo);
  for (size_t i = lo; i < hi; ++i) {
    if (refs[i].group != nullptr && out[i].problem.empty()) {
      const std::string& key = refs[i].leaf().key;
      char bytes[8] = {};
      std::memcpy(bytes, key.data(), std::min<size_t>(key.size(), 8));
      keys.push_back(SortKey{DecodeBigEndian64(bytes), static_cast<uint32_t>(i)});
    }
  }
  std::sort(keys.begin(), keys.end(), SortKeyLess{&refs});
  return keys;
}

// The second half's scan takes its first group as it finds it (a group may start before the
// half): that group must be the first half's last one, or start right after it.
void CheckHalvesMeet(uint64_t begin, size_t mid, const std::vector<LeafRef>& refs,
                     std::vector<LeafOutcome>* out) {
  if (mid == 0 || mid >= refs.size() || refs[mid - 1].group == nullptr ||
      refs[mid].group == nullptr) {
    return;  // nothing on one side, or its absence is already a problem
  }
  const LeafGroup& before = *refs[mid - 1].group;
  const LeafGroup& after = *refs[mid].group;
  const bool same =
      before.first_leaf == after.first_leaf && before.last_leaf() == after.last_leaf();
  if (!same && after.first_leaf != before.last_leaf() + 1) {
    MarkRange(begin, begin + mid, std::min<uint64_t>(after.last_leaf() + 1, begin + refs.size()),
              "the leaf group ending at entry " + std::to_string(after.last_leaf()) +
                  " overlaps the group before it",
              out);
  }
}

Status VerifyLeafRange(const RecordSource& source, uint64_t begin, uint64_t end,
                       std::vector<LeafOutcome>* out) {
  out->assign(end - begin, LeafOutcome{});
  std::vector<LeafRef> refs(end - begin);
  // Each thread reads the groups of half the range and sorts that half's keys.
  std::deque<LeafGroup> groups[2];
  std::vector<SortKey> sorted[2];
  const size_t n = end - begin;
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
  std::vector<uint32_t> order(merged.size());
  for (size_t i = 0; i < merged.size(); ++i) {
    order[i] = merged[i].offset;
  }
  return RunOnTwoThreads(order.size(), [&](int /*part*/, size_t lo, size_t hi) {
    return CheckSorted(source, refs, order.data() + lo, hi - lo, out);
  });
}

std::vector<std::optional<Hash256>> BlockDataRoots(const std::vector<BlockHeader>& blocks,
                                                   uint64_t begin,
                                                   const std::vector<LeafOutcome>& outcomes) {
  std::vector<std::optional<Hash256>> roots(blocks.size());
  // Cannot fail: every status is OK.
  (void)RunOnTwoThreads(blocks.size(), [&](int /*part*/, size_t lo, size_t hi) {
    for (size_t b = lo; b < hi; ++b) {
      MerkleFrontier tree;
      bool complete = true;
      for (uint64_t leaf = blocks[b].first_leaf; leaf < blocks[b].tree_size() && complete; ++leaf) {
        const std::optional<Hash256>& hash = outcomes[leaf - begin].hash;
        complete = hash.has_value();
        if (complete) {
          tree.Append(*hash);
        }
      }
      if (complete) {
        roots[b] = tree.Root();
      }
    }
    return Status::OK();
  });
  return roots;
}

}  // namespace blockdb::ledger
