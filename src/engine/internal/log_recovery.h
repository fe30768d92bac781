// Recovery of a segmented log directory: validation of every segment and repair of a torn tail
// of the last one. Used by SegmentedLog::Open; the rules are those of engine/log.h and
// docs/format/log.md ("Crashes and recovery").
#pragma once

#include <string>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "engine/internal/log_segment.h"

namespace blockdb::log_internal {

// Reads every segment file of `dir` (other names are ignored) in index order and returns their
// indexes, oldest first, without open readers. A torn tail of the last segment is cut with
// Env::TruncateFile, or the segment removed (and the directory synced) when it holds no valid
// record, with one warning line on the "engine" logger. Any other damage is Corruption naming the
// file and byte offset; a segment of an unknown format version is NotSupported.
Result<std::vector<Segment>> RecoverSegments(Env* env, const std::string& dir);

}  // namespace blockdb::log_internal
