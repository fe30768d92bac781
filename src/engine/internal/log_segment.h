// In-memory index of one log segment, shared by SegmentedLog (engine/log.cc) and its recovery
// (engine/internal/log_recovery.cc). Not part of the engine's API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"
#include "common/status.h"

namespace blockdb::log_internal {

// "log segment <path> offset <offset>: <what>", the form of every Corruption the log reports.
inline Status CorruptionAt(const std::string& path, uint64_t offset, std::string_view what) {
  return Status::Corruption("log segment " + path + " offset " + std::to_string(offset) + ": " +
                            std::string(what));
}

// What the log keeps in memory per segment: enough to find any record with one read.
struct Segment {
  uint64_t first_index = 0;
  std::string path;
  uint64_t size = 0;              // bytes of valid content: header plus whole records
  std::vector<uint64_t> offsets;  // byte offset of record i, whose index is first_index + i
  // Opened on first read, closed again when too many are open (see SegmentedLog). A cache, hence
  // mutable: const reads open it. Guarded by the log's mu_.
  mutable std::unique_ptr<RandomAccessFile> reader;

  bool empty() const { return offsets.empty(); }
  // REQUIRES: !empty().
  uint64_t last_index() const { return first_index + offsets.size() - 1; }
  // Byte offset just past record i.
  uint64_t RecordEnd(size_t i) const { return i + 1 < offsets.size() ? offsets[i + 1] : size; }
};

}  // namespace blockdb::log_internal
