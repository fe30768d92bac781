// Version: one immutable state of the engine's SSTables (the MANIFEST's file lists), shared by
// the readers that took it. A flush or compaction installs a new Version; readers holding the old
// one keep reading its files, which are deleted only once no live Version names them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engine/internal/table_cache.h"
#include "engine/iterator.h"
#include "engine/manifest.h"

namespace blockdb {

class Version {
 public:
  // table_cache: not owned, outlives every Version.
  Version(ManifestState state, TableCache* table_cache);

  const ManifestState& state() const { return state_; }
  const std::vector<FileMetaData>& files(int level) const { return state_.levels[level]; }
  uint64_t LevelBytes(int level) const;
  size_t NumFiles() const;

  // Finds key in the SSTables: sets *engine_value (engine_value.h) and returns OK, or NotFound.
  // Consults each level-0 file whose range holds the key and one file per deeper level; the
  // tables' bloom filters answer most misses without reading a block. Thread-safe.
  Status Get(std::string_view key, std::string* engine_value) const;

  // Appends iterators over the tables (key -> engine value): one per level-0 file and one
  // concatenating iterator per non-empty deeper level, which opens files as it reaches them.
  // Each iterator holds `self` so the Version outlives it. fill_cache: Table::NewIterator's.
  static void AddIterators(const std::shared_ptr<const Version>& self, bool fill_cache,
                           std::vector<std::unique_ptr<Iterator>>* out);

  // Iterator over one table (holding the table open while it lives).
  std::unique_ptr<Iterator> NewTableIterator(const FileMetaData& file,
                                             bool fill_cache = true) const;

 private:
  ManifestState state_;
  TableCache* const table_cache_;
};

// Index of the first file in a sorted, non-overlapping file list whose largest key >= key
// (files.size() when none).
size_t FindFile(const std::vector<FileMetaData>& files, std::string_view key);

// Iterator over a sorted, non-overlapping list of files, opening one table at a time. `files`
// must stay alive (and unchanged) while the iterator lives; `owner` is kept to guarantee it.
std::unique_ptr<Iterator> NewLevelIterator(std::shared_ptr<const void> owner,
                                           const std::vector<FileMetaData>* files,
                                           TableCache* table_cache, bool fill_cache = true);

}  // namespace blockdb
