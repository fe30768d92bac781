#include "engine/ledger/verify_join.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/huge_page_allocator.h"
#include "engine/ledger/entry.h"
#include "engine/ledger/verify_leaves.h"

namespace blockdb::ledger {
namespace {

// Leaf groups read (one seek each) per key range to place the ranges' bounds: 64 groups of up to
// 64 keys put each bound within a few percent of its target.
constexpr uint64_t kSamplesPerRange = 64;

// How many sorted leaves ahead the walk prefetches the leaf's bytes (and, half as far ahead, its
// group's fields): the leaves are visited in key order, so in random memory order.
constexpr size_t kPrefetchAhead = 16;

// How often (in rows) a walk looks at the stop flag.
constexpr uint64_t kStopCheckRows = 4096;

// The join's large buffers, read in key order (so at random): on huge pages where the kernel has
// them.
template <typename T>
using HugeVector = std::vector<T, HugePageAllocator<T>>;

struct GroupFields {
  uint64_t log_index = 0;
  uint64_t txn_id = 0;
  int64_t timestamp_micros = 0;
};

// A leaf's place in the sort: the first 16 bytes of its key as two numbers (which decide almost
// always without touching the leaf's bytes), and where the leaf is (RangeLeaves).
struct SortKey {
  uint64_t high;
  uint64_t low;
  uint64_t offset;
};

SortKey MakeSortKey(std::string_view key, uint64_t offset) {
  KeyPrefix128 prefix = KeyPrefixOf(key);
  return SortKey{prefix.high, prefix.low, offset};
}

// The leaves of one key range that one thread collected (from half of the leaves), in leaf order.
// Per leaf, in `bytes`: stored hash (32 bytes), group (fixed32 index into `groups`), key length
// (fixed32), key.
struct LeafArena {
  static constexpr size_t kHeader = 32 + 4 + 4;

  HugeVector<char> bytes;
  std::vector<GroupFields> groups;

  // Appends a leaf and returns its offset.
  uint64_t Add(const LeafGroupView::Leaf& leaf, uint32_t group) {
    const uint32_t key_len = static_cast<uint32_t>(leaf.key.size());
    const uint64_t offset = bytes.size();
    char header[kHeader];
    std::memcpy(header, leaf.hash, 32);
    std::memcpy(header + 32, &group, 4);
    std::memcpy(header + 36, &key_len, 4);
    bytes.insert(bytes.end(), header, header + kHeader);
    bytes.insert(bytes.end(), leaf.key.begin(), leaf.key.end());
    return offset;
  }
  // Empties the arena, keeping its memory for the next range.
  void Clear() {
    bytes.clear();
    groups.clear();
  }
  const char* hash(uint64_t offset) const { return bytes.data() + offset; }
  const GroupFields& group(uint64_t offset) const {
    uint32_t g;
    std::memcpy(&g, bytes.data() + offset + 32, 4);
    return groups[g];
  }
  std::string_view key(uint64_t offset) const {
    uint32_t len;
    std::memcpy(&len, bytes.data() + offset + 36, 4);
    return {bytes.data() + offset + kHeader, len};
  }
};

// The leaves of one key range: two arenas, one per collecting thread. A SortKey's offset has the
// arena in its top bit.
struct RangeLeaves {
  static constexpr uint64_t kPartBit = uint64_t{1} << 63;

  LeafArena parts[2];

  const LeafArena& part(uint64_t offset) const { return parts[offset >> 63]; }
  const char* hash(uint64_t offset) const { return part(offset).hash(offset & ~kPartBit); }
  const GroupFields& group(uint64_t offset) const { return part(offset).group(offset & ~kPartBit); }
  std::string_view key(uint64_t offset) const { return part(offset).key(offset & ~kPartBit); }
};

// The memory of the join, used by one range after the other (allocated, and its pages touched,
// once).
struct JoinBuffers {
  RangeLeaves leaves;
  HugeVector<SortKey> halves[2];
  HugeVector<SortKey> sorted;

  void Clear() {
    for (int part = 0; part < 2; ++part) {
      leaves.parts[part].Clear();
      halves[part].clear();
    }
    sorted.clear();
  }
};

struct SortKeyLess {
  const RangeLeaves* leaves;
  bool operator()(const SortKey& a, const SortKey& b) const {
    if (a.high != b.high) {
      return a.high < b.high;
    }
    if (a.low != b.low) {
      return a.low < b.low;
    }
    const std::string_view ka = leaves->key(a.offset);
    const std::string_view kb = leaves->key(b.offset);
    return ka != kb ? ka < kb : a.offset < b.offset;
  }
};

// The result of a step that finds nothing wrong (true), a finding or a stop (false), or an error.
// Corruption is a finding: the exact check reports it.
Result<bool> Finding(const Status& s, std::string_view what) {
  if (s.ok()) {
    return true;
  }
  if (s.IsCorruption() || s.IsNotFound()) {
    return false;
  }
  return s.Annotate(std::string("verify: ") + std::string(what));
}

// Bounds splitting the keys of leaves [begin, end) into `ranges` parts of about equal size, from
// the keys of leaf groups at evenly spaced leaves: ranges - 1 increasing keys (fewer when keys
// repeat). False when a sampled group cannot be read or decoded (the join would fail on it too).
Result<bool> RangeBounds(const RecordSource& source, uint64_t begin, uint64_t end, uint64_t ranges,
                         std::vector<std::string>* bounds) {
  const uint64_t n = end - begin;
  const uint64_t samples = std::min(n, ranges * kSamplesPerRange);
  std::unique_ptr<Iterator> it = source.new_iterator();
  LeafGroupView view;
  std::vector<std::string> keys;
  for (uint64_t s = 0; s < samples; ++s) {
    const uint64_t leaf =
        begin + static_cast<uint64_t>(static_cast<unsigned __int128>(n) * s / samples);
    it->Seek(LeafGroupKey(leaf));
    if (!it->Valid()) {
      break;
    }
    const std::optional<uint64_t> last = ParseIndexedKey(kLeafGroupTag, it->key());
    if (!last || !DecodeLeafGroupView(*last, it->value(), &view).ok()) {
      return false;
    }
    for (uint64_t i = std::max(view.first_leaf, begin); i <= *last && i < end; ++i) {
      keys.emplace_back(view.leaves[i - view.first_leaf].key);
    }
  }
  ASSIGN_OR_RETURN(bool fine, Finding(it->status(), "sampling leaf groups"));
  if (!fine) {
    return false;
  }
  std::sort(keys.begin(), keys.end());
  for (uint64_t r = 1; r < ranges && !keys.empty(); ++r) {
    const std::string& key = keys[keys.size() * r / ranges];
    if (bounds->empty() || bounds->back() < key) {
      bounds->push_back(key);
    }
  }
  return true;
}

bool InRange(std::string_view key, std::string_view lo, const std::optional<std::string>& hi) {
  return key >= lo && (!hi || key < *hi);
}

// The leaves [first, last] of a leaf group.
struct GroupSpan {
  uint64_t first = 0;
  uint64_t last = 0;
};

// Scans the leaf groups of [begin, end) and keeps the leaves whose key is in [lo, hi) in
// leaves->parts[part], with their sort keys in *keys. The first group is taken as found (it may
// start before `begin`); *first_group and *last_group are set to the first and last groups read.
// False when a group is missing, damaged or overlaps the one before, or on a stop.
Result<bool> CollectRange(const RecordSource& source, uint64_t begin, uint64_t end,
                          std::string_view lo, const std::optional<std::string>& hi,
                          const std::atomic<bool>* stop, int part, RangeLeaves* leaves,
                          HugeVector<SortKey>* keys, GroupSpan* first_group,
                          GroupSpan* last_group) {
  LeafArena* out = &leaves->parts[part];
  const uint64_t part_bits = part == 0 ? 0 : RangeLeaves::kPartBit;
  std::unique_ptr<Iterator> it = source.new_iterator();
  LeafGroupView view;
  uint64_t next = begin;  // first leaf not yet seen
  bool first = true;
  for (it->Seek(LeafGroupKey(begin)); next < end && it->Valid(); it->Next(), first = false) {
    const std::optional<uint64_t> last = ParseIndexedKey(kLeafGroupTag, it->key());
    if (!last || stop->load(std::memory_order_relaxed)) {
      break;
    }
    if (!DecodeLeafGroupView(*last, it->value(), &view).ok() || view.first_leaf > next ||
        (view.first_leaf < next && !first)) {
      return false;
    }
    if (first) {
      *first_group = {view.first_leaf, *last};
    }
    *last_group = {view.first_leaf, *last};
    const uint64_t stop_leaf = std::min(*last + 1, end);
    bool kept = false;
    for (uint64_t i = next; i < stop_leaf; ++i) {
      const LeafGroupView::Leaf& leaf = view.leaves[i - view.first_leaf];
      if (InRange(leaf.key, lo, hi)) {
        if (!kept) {
          out->groups.push_back({view.log_index, view.txn_id, view.timestamp_micros});
          kept = true;
        }
        const uint64_t offset = out->Add(leaf, static_cast<uint32_t>(out->groups.size() - 1));
        keys->push_back(MakeSortKey(leaf.key, offset | part_bits));
      }
    }
    next = stop_leaf;
  }
  ASSIGN_OR_RETURN(bool fine, Finding(it->status(), "reading leaf groups"));
  return fine && next >= end;
}

// Collects the range's leaves into buffers->leaves and sorts them by key into buffers->sorted:
// two threads collect and sort half of the leaves each, then the halves are merged. False as
// CollectRange.
Result<bool> CollectSorted(const RecordSource& source, uint64_t begin, uint64_t end,
                           std::string_view lo, const std::optional<std::string>& hi,
                           const std::atomic<bool>* stop, JoinBuffers* buffers) {
  buffers->Clear();
  RangeLeaves* leaves = &buffers->leaves;
  HugeVector<SortKey>* halves = buffers->halves;
  HugeVector<SortKey>* sorted = &buffers->sorted;
  bool fine[2] = {false, false};
  GroupSpan first[2];
  GroupSpan last[2];
  RETURN_IF_ERROR(RunOnTwoThreads(end - begin, [&](int part, size_t from, size_t to) -> Status {
    if (from == to) {
      fine[part] = true;
      return Status::OK();
    }
    ASSIGN_OR_RETURN(fine[part], CollectRange(source, begin + from, begin + to, lo, hi, stop, part,
                                              leaves, &halves[part], &first[part], &last[part]));
    if (fine[part]) {
      std::sort(halves[part].begin(), halves[part].end(), SortKeyLess{leaves});
    }
    return Status::OK();
  }));
  if (!fine[0] || !fine[1]) {
    return false;
  }
  // The second half took its first group as found: it must be the first half's last group or
  // start right after it (otherwise it overlaps that group).
  if (end - begin >= 2) {
    const bool same = first[1].first == last[0].first && first[1].last == last[0].last;
    if (!same && first[1].first != last[0].last + 1) {
      return false;
    }
  }
  sorted->resize(halves[0].size() + halves[1].size());
  std::merge(halves[0].begin(), halves[0].end(), halves[1].begin(), halves[1].end(),
             sorted->begin(), SortKeyLess{leaves});
  return true;
}

// Walks the rows with keys in [lo, hi) (hi: nullopt for all the rows after lo) in order, matching
// them with the leaves sorted[0, count), which all have keys in that interval: every leaf's row
// must exist and rebuild the leaf's stored hash. Rows that no leaf names (rows of entries before
// the join's first leaf, or not covered at all) are only counted, into *rows. False on a finding
// or a stop.
Result<bool> WalkRows(const RecordSource& source, const RangeLeaves& leaves, const SortKey* sorted,
                      size_t count, std::string_view lo, const std::optional<std::string>& hi,
                      const std::atomic<bool>* stop, uint64_t* rows) {
  std::unique_ptr<Iterator> it = source.new_iterator();
  LeafHashChecker checker;  // the leaves' bytes stay put: the expected hashes point into them
  size_t n = 0;
  uint64_t seen = 0;
  for (it->Seek(lo); it->Valid(); it->Next()) {
    const std::string_view key = it->key();
    if ((!key.empty() && key[0] == kRecordPrefix) || (hi && key >= *hi)) {
      break;
    }
    if (++seen % kStopCheckRows == 0 && stop->load(std::memory_order_relaxed)) {
      return false;
    }
    for (; n < count; ++n) {
      if (n + kPrefetchAhead < count) {
        const char* ahead = leaves.hash(sorted[n + kPrefetchAhead].offset);
        __builtin_prefetch(ahead);
        __builtin_prefetch(ahead + 64);
      }
      if (n + kPrefetchAhead / 2 < count) {
        __builtin_prefetch(&leaves.group(sorted[n + kPrefetchAhead / 2].offset));
      }
      const uint64_t offset = sorted[n].offset;
      const std::string_view leaf_key = leaves.key(offset);
      if (leaf_key > key) {
        break;  // the row has no (further) leaf
      }
      if (leaf_key < key) {
        return false;  // the leaf's row is missing
      }
      const GroupFields& g = leaves.group(offset);
      if (!checker.Add(EntryView{g.log_index, g.txn_id, g.timestamp_micros, key, it->value()},
                       leaves.hash(offset))) {
        return false;
      }
    }
  }
  ASSIGN_OR_RETURN(bool fine, Finding(it->status(), "reading rows"));
  *rows += seen;
  return checker.Flush() && fine && n == count;  // leaves left over: keys after the last row
}

// Checks one key range: collects its leaves, sorts them and walks its rows on two threads (the
// second from the middle leaf's key). Adds the range's rows to *rows.
Result<bool> JoinRange(const RecordSource& source, uint64_t begin, uint64_t end,
                       std::string_view lo, const std::optional<std::string>& hi,
                       const std::atomic<bool>* stop, JoinBuffers* buffers, uint64_t* rows,
                       uint64_t* matched_leaves) {
  ASSIGN_OR_RETURN(bool fine, CollectSorted(source, begin, end, lo, hi, stop, buffers));
  if (!fine) {
    return false;
  }
  const RangeLeaves& leaves = buffers->leaves;
  const HugeVector<SortKey>& sorted = buffers->sorted;
  // The split leaf starts the second half's keys; leaves with the same key stay on one side.
  size_t mid = sorted.size() / 2;
  while (mid > 0 && mid < sorted.size() &&
         leaves.key(sorted[mid].offset) == leaves.key(sorted[mid - 1].offset)) {
    ++mid;
  }
  std::optional<std::string> split;
  if (mid < sorted.size()) {
    split = std::string(leaves.key(sorted[mid].offset));
  } else {
    split = hi;
  }
  bool matched[2] = {false, false};
  uint64_t part_rows[2] = {0, 0};
  RETURN_IF_ERROR(RunOnTwoThreads(2, [&](int part, size_t, size_t) -> Status {
    if (part == 0) {
      ASSIGN_OR_RETURN(
          matched[0], WalkRows(source, leaves, sorted.data(), mid, lo, split, stop, &part_rows[0]));
    } else if (split && split != hi) {
      ASSIGN_OR_RETURN(matched[1], WalkRows(source, leaves, sorted.data() + mid,
                                            sorted.size() - mid, *split, hi, stop, &part_rows[1]));
    } else {
      matched[1] = true;  // the first part walked the whole range
    }
    return Status::OK();
  }));
  *rows += part_rows[0] + part_rows[1];
  *matched_leaves += sorted.size();
  return matched[0] && matched[1];
}

}  // namespace

Result<JoinResult> JoinLeavesWithRows(const RecordSource& source, uint64_t begin, uint64_t end,
                                      uint64_t range_entries, const std::atomic<bool>* stop) {
  JoinResult result;
  end = std::max(begin, end);
  const uint64_t n = end - begin;
  const uint64_t ranges = std::max<uint64_t>(1, (n + range_entries - 1) / range_entries);
  std::vector<std::string> bounds;
  if (ranges > 1) {
    ASSIGN_OR_RETURN(bool fine, RangeBounds(source, begin, end, ranges, &bounds));
    if (!fine) {
      return result;
    }
  }
  // Range r holds the keys in [bounds[r - 1], bounds[r]), the first from the empty key, the last
  // up to the internal records.
  uint64_t rows = 0;
  uint64_t leaves = 0;
  JoinBuffers buffers;
  for (size_t r = 0; r <= bounds.size(); ++r) {
    const std::string_view lo = r == 0 ? std::string_view() : std::string_view(bounds[r - 1]);
    const std::optional<std::string> hi =
        r < bounds.size() ? std::optional<std::string>(bounds[r]) : std::nullopt;
    ASSIGN_OR_RETURN(bool fine,
                     JoinRange(source, begin, end, lo, hi, stop, &buffers, &rows, &leaves));
    if (!fine || stop->load()) {
      return result;
    }
  }
  result.all_match = true;
  result.rows = rows;
  result.leaves = leaves;
  return result;
}

}  // namespace blockdb::ledger
