#include "engine/ledger/verify_join.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

struct GroupFields {
  uint64_t log_index = 0;
  uint64_t txn_id = 0;
  int64_t timestamp_micros = 0;
};

// A leaf's place in the sort: the first 16 bytes of its key as two numbers (which decide almost
// always without touching the leaf's bytes), and where the leaf is in RangeLeaves::bytes.
struct SortKey {
  uint64_t high;
  uint64_t low;
  uint64_t offset;
};

// The leaves of one key range, in leaf order. Per leaf, in `bytes`: stored hash (32 bytes), group
// (fixed32 index into `groups`), key length (fixed32), key.
struct RangeLeaves {
  static constexpr size_t kHeader = 32 + 4 + 4;

  std::vector<char> bytes;
  std::vector<size_t> offsets;  // of each leaf in bytes, in leaf order
  std::vector<GroupFields> groups;

  void Add(const LeafGroupView::Leaf& leaf, uint32_t group) {
    const uint32_t key_len = static_cast<uint32_t>(leaf.key.size());
    offsets.push_back(bytes.size());
    bytes.resize(bytes.size() + kHeader + key_len);
    char* p = bytes.data() + offsets.back();
    std::memcpy(p, leaf.hash, 32);
    std::memcpy(p + 32, &group, 4);
    std::memcpy(p + 36, &key_len, 4);
    std::memcpy(p + kHeader, leaf.key.data(), key_len);
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

SortKey MakeSortKey(std::string_view key, uint64_t offset) {
  char bytes[16] = {};
  std::memcpy(bytes, key.data(), std::min(key.size(), sizeof(bytes)));
  return SortKey{DecodeBigEndian64(bytes), DecodeBigEndian64(bytes + 8), offset};
}

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

// Scans the leaf groups of [begin, end) and keeps the leaves whose key is in [lo, hi). False when
// a group is missing, damaged or overlaps the one before, or on a stop.
Result<bool> CollectRange(const RecordSource& source, uint64_t begin, uint64_t end,
                          std::string_view lo, const std::optional<std::string>& hi,
                          const std::atomic<bool>* stop, RangeLeaves* out) {
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
    const uint64_t stop_leaf = std::min(*last + 1, end);
    bool kept = false;
    for (uint64_t i = next; i < stop_leaf; ++i) {
      const LeafGroupView::Leaf& leaf = view.leaves[i - view.first_leaf];
      if (InRange(leaf.key, lo, hi)) {
        if (!kept) {
          out->groups.push_back({view.log_index, view.txn_id, view.timestamp_micros});
          kept = true;
        }
        out->Add(leaf, static_cast<uint32_t>(out->groups.size() - 1));
      }
    }
    next = stop_leaf;
  }
  ASSIGN_OR_RETURN(bool fine, Finding(it->status(), "reading leaf groups"));
  return fine && next >= end;
}

// The range's leaves sorted by key (two threads sort a half each).
std::vector<SortKey> SortLeaves(const RangeLeaves& leaves) {
  const size_t n = leaves.offsets.size();
  std::vector<SortKey> halves[2];
  (void)RunOnTwoThreads(n, [&](int part, size_t lo, size_t hi) {
    std::vector<SortKey>& keys = halves[part];
    keys.reserve(hi - lo);
    for (size_t i = lo; i < hi; ++i) {
      keys.push_back(MakeSortKey(leaves.key(leaves.offsets[i]), leaves.offsets[i]));
    }
    std::sort(keys.begin(), keys.end(), SortKeyLess{&leaves});
    return Status::OK();
  });
  std::vector<SortKey> sorted(n);
  std::merge(halves[0].begin(), halves[0].end(), halves[1].begin(), halves[1].end(), sorted.begin(),
             SortKeyLess{&leaves});
  return sorted;
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
      const Hash256 hash =
          EntryLeafHash(EntryView{g.log_index, g.txn_id, g.timestamp_micros, key, it->value()});
      if (std::memcmp(hash.data(), leaves.hash(offset), hash.size()) != 0) {
        return false;
      }
    }
  }
  ASSIGN_OR_RETURN(bool fine, Finding(it->status(), "reading rows"));
  *rows += seen;
  return fine && n == count;  // leaves left over: keys after the last row
}

// Checks one key range: collects its leaves, sorts them and walks its rows on two threads (the
// second from the middle leaf's key). Adds the range's rows to *rows.
Result<bool> JoinRange(const RecordSource& source, uint64_t begin, uint64_t end,
                       std::string_view lo, const std::optional<std::string>& hi,
                       const std::atomic<bool>* stop, uint64_t* rows) {
  RangeLeaves leaves;
  ASSIGN_OR_RETURN(bool fine, CollectRange(source, begin, end, lo, hi, stop, &leaves));
  if (!fine) {
    return false;
  }
  const std::vector<SortKey> sorted = SortLeaves(leaves);
  leaves.offsets = {};
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
  return matched[0] && matched[1];
}

}  // namespace

Result<JoinResult> JoinLeavesWithRows(const RecordSource& source, uint64_t begin, uint64_t end,
                                      uint64_t range_entries, const std::atomic<bool>* stop) {
  JoinResult result;
  const uint64_t n = end > begin ? end - begin : 0;
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
  for (size_t r = 0; r <= bounds.size(); ++r) {
    const std::string_view lo = r == 0 ? std::string_view() : std::string_view(bounds[r - 1]);
    const std::optional<std::string> hi =
        r < bounds.size() ? std::optional<std::string>(bounds[r]) : std::nullopt;
    ASSIGN_OR_RETURN(bool fine, JoinRange(source, begin, end, lo, hi, stop, &rows));
    if (!fine || stop->load()) {
      return result;
    }
  }
  result.all_match = true;
  result.rows = rows;
  return result;
}

}  // namespace blockdb::ledger
