#include "engine/internal/log_recovery.h"

#include <algorithm>
#include <optional>
#include <string_view>
#include <utility>

#include <spdlog/spdlog.h>

#include "common/coding.h"
#include "common/logging.h"
#include "engine/log_format.h"

namespace blockdb::log_internal {
namespace {

// Recovery reads a segment in windows of this size: a whole segment can be far larger than what
// recovery should hold in memory.
constexpr size_t kWindowBytes = 1 << 20;

// Random access to one file through a sliding window, so that recovery reads each byte about
// once, and never allocates more than the file holds whatever a length field claims.
class FileWindow {
 public:
  FileWindow(RandomAccessFile* file, uint64_t file_size) : file_(file), file_size_(file_size) {}

  uint64_t file_size() const { return file_size_; }

  // The bytes [offset, offset + n) clipped to the end of the file. REQUIRES: offset <= size.
  // A result shorter than asked for means the end of the file.
  Result<std::string_view> Peek(uint64_t offset, size_t n) {
    n = static_cast<size_t>(std::min<uint64_t>(n, file_size_ - offset));
    if (offset >= start_ && offset + n <= start_ + buf_.size()) {
      return std::string_view(buf_).substr(offset - start_, n);
    }
    size_t want =
        static_cast<size_t>(std::min<uint64_t>(std::max(n, kWindowBytes), file_size_ - offset));
    RETURN_IF_ERROR(file_->Read(offset, want, &buf_));
    start_ = offset;
    return std::string_view(buf_).substr(0, std::min(n, buf_.size()));
  }

 private:
  RandomAccessFile* const file_;
  const uint64_t file_size_;
  uint64_t start_ = 0;
  std::string buf_;
};

// Where parsing of a segment stopped before the end of its file.
struct Damage {
  uint64_t offset = 0;
  std::string reason;
};

// Parses the records of a segment whose header was valid, from `offset` on, appending their
// offsets to seg->offsets. Stops at the first record that does not decode and describes it in
// *damage. A record that decodes but carries an unexpected index is Corruption.
Status ParseRecords(FileWindow* window, uint64_t offset, Segment* seg,
                    std::optional<Damage>* damage) {
  uint64_t expected = seg->first_index;
  while (offset < window->file_size()) {
    ASSIGN_OR_RETURN(std::string_view head, window->Peek(offset, kLogRecordHeaderSize));
    size_t want = kLogRecordHeaderSize;
    if (head.size() == kLogRecordHeaderSize) {
      // Only ask for the payload once the length is known to be plausible.
      want += std::min<uint32_t>(DecodeFixed32(head.data() + 4), kLogMaxPayload);
    }
    ASSIGN_OR_RETURN(std::string_view bytes, window->Peek(offset, want));
    LogRecordView view;
    size_t size = 0;
    LogDecodeResult r = DecodeLogRecord(bytes, &view, &size);
    if (r != LogDecodeResult::kOk) {
      *damage = Damage{offset, std::string(LogDecodeResultName(r))};
      return Status::OK();
    }
    if (view.index != expected) {
      return CorruptionAt(seg->path, offset,
                          "record has index " + std::to_string(view.index) + ", expected " +
                              std::to_string(expected));
    }
    seg->offsets.push_back(offset);
    offset += size;
    seg->size = offset;
    expected++;
  }
  return Status::OK();
}

// Looks for a record that decodes cleanly anywhere after a damaged spot at `bad_offset`: if one
// exists, the damage is not a torn tail. Cheap filters come first (a length that fits the file,
// an index that the records following the damage could have: each record takes at least
// kLogRecordHeaderSize bytes), so the checksum is computed for few candidates.
Result<std::optional<uint64_t>> FindRecordAfter(FileWindow* window, uint64_t bad_offset,
                                                uint64_t last_good_index) {
  const uint64_t end = window->file_size();
  for (uint64_t y = bad_offset + 1; y + kLogRecordHeaderSize <= end; y++) {
    ASSIGN_OR_RETURN(std::string_view head, window->Peek(y, kLogRecordHeaderSize));
    uint32_t length = DecodeFixed32(head.data() + 4);
    uint64_t index = DecodeFixed64(head.data() + 8);
    uint64_t max_index = last_good_index + 2 + (y - bad_offset) / kLogRecordHeaderSize;
    if (length > kLogMaxPayload || length > end - y - kLogRecordHeaderSize ||
        index <= last_good_index || index > max_index) {
      continue;
    }
    ASSIGN_OR_RETURN(std::string_view bytes, window->Peek(y, kLogRecordHeaderSize + length));
    LogRecordView view;
    size_t size = 0;
    if (DecodeLogRecord(bytes, &view, &size) == LogDecodeResult::kOk) {
      return std::optional<uint64_t>(y);
    }
  }
  return std::optional<uint64_t>();
}

// Cuts the torn tail of the last segment at damage.offset, or removes the segment when no record
// is left, and logs what was dropped.
Status RepairTornTail(Env* env, const std::string& dir, Segment* seg, uint64_t file_size,
                      const Damage& damage) {
  if (seg->empty()) {
    RETURN_IF_ERROR(env->RemoveFile(seg->path));
    RETURN_IF_ERROR(env->SyncDir(dir));
    Logger("engine")->warn("log: removed torn last segment {} ({} at offset {}; {} bytes dropped)",
                           seg->path, damage.reason, damage.offset, file_size);
    return Status::OK();
  }
  RETURN_IF_ERROR(env->TruncateFile(seg->path, damage.offset));
  Logger("engine")->warn("log: truncated torn tail of {} at offset {} ({}; {} bytes dropped)",
                         seg->path, damage.offset, damage.reason, file_size - damage.offset);
  return Status::OK();
}

// Validates the segment seg->path named after index seg->first_index. `prev_last` is the last
// index of the previous segment (0 for the first segment). Damage in the last segment that is a
// torn tail is repaired; on return seg->empty() means the segment file is gone.
Status RecoverSegment(Env* env, const std::string& dir, uint64_t prev_last, bool is_last,
                      Segment* seg) {
  ASSIGN_OR_RETURN(uint64_t file_size, env->GetFileSize(seg->path));
  ASSIGN_OR_RETURN(auto file, env->NewRandomAccessFile(seg->path));
  FileWindow window(file.get(), file_size);

  std::optional<Damage> damage;
  ASSIGN_OR_RETURN(std::string_view head, window.Peek(0, kLogSegmentHeaderSize));
  uint64_t header_index = 0;
  Status header = DecodeLogSegmentHeader(head, &header_index);
  if (header.code() == StatusCode::kNotSupported) {
    return header.Annotate("log segment " + seg->path);
  }
  if (!header.ok()) {
    damage = Damage{0, header.message()};
  } else if (header_index != seg->first_index) {
    return CorruptionAt(seg->path, 0,
                        "header names first index " + std::to_string(header_index) +
                            ", file name " + std::to_string(seg->first_index));
  } else if (prev_last != 0 && seg->first_index != prev_last + 1) {
    return CorruptionAt(seg->path, 0,
                        "segment starts at index " + std::to_string(seg->first_index) +
                            " but the previous segment ends at " + std::to_string(prev_last));
  } else if (seg->first_index == 0) {
    return CorruptionAt(seg->path, 0, "segment starts at index 0");
  } else {
    seg->size = kLogSegmentHeaderSize;
    RETURN_IF_ERROR(ParseRecords(&window, kLogSegmentHeaderSize, seg, &damage));
  }

  if (damage.has_value()) {
    if (!is_last) {
      return CorruptionAt(seg->path, damage->offset, damage->reason + " (not the last segment)");
    }
    uint64_t last_good = seg->empty() ? seg->first_index - 1 : seg->last_index();
    ASSIGN_OR_RETURN(std::optional<uint64_t> later,
                     FindRecordAfter(&window, damage->offset, last_good));
    if (later.has_value()) {
      return CorruptionAt(
          seg->path, damage->offset,
          damage->reason + "; a valid record follows at offset " + std::to_string(*later));
    }
    file.reset();
    return RepairTornTail(env, dir, seg, file_size, *damage);
  }
  if (seg->empty()) {
    if (!is_last) {
      return CorruptionAt(seg->path, kLogSegmentHeaderSize, "segment holds no records");
    }
    // A segment with a header and nothing else: the crash came before its first records. Removed
    // so that the next Append may start a segment at any index when the log is empty.
    return RepairTornTail(env, dir, seg, file_size, Damage{kLogSegmentHeaderSize, "no records"});
  }
  return Status::OK();
}

}  // namespace

Result<std::vector<Segment>> RecoverSegments(Env* env, const std::string& dir) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, env->GetChildren(dir));
  std::vector<Segment> segments;
  for (const std::string& name : names) {
    uint64_t first_index = 0;
    if (ParseLogSegmentFileName(name, &first_index)) {
      Segment seg;
      seg.first_index = first_index;
      seg.path = JoinPath(dir, name);
      segments.push_back(std::move(seg));
    }
  }
  std::sort(segments.begin(), segments.end(),
            [](const Segment& a, const Segment& b) { return a.first_index < b.first_index; });

  uint64_t prev_last = 0;
  for (size_t i = 0; i < segments.size(); i++) {
    bool is_last = i + 1 == segments.size();
    RETURN_IF_ERROR(RecoverSegment(env, dir, prev_last, is_last, &segments[i]));
    if (!segments[i].empty()) {
      prev_last = segments[i].last_index();
    }
  }
  if (!segments.empty() && segments.back().empty()) {
    segments.pop_back();
  }
  return segments;
}

}  // namespace blockdb::log_internal
