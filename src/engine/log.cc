#include "engine/log.h"

#include <algorithm>
#include <utility>

#include "common/check.h"
#include "engine/internal/log_recovery.h"
#include "engine/internal/log_segment.h"
#include "engine/log_format.h"

namespace blockdb {

using log_internal::CorruptionAt;
using log_internal::Segment;

namespace {

// Reads and scans fetch records in chunks of about this many bytes, so that neither holds the
// lock for long nor needs memory in proportion to the range asked for.
constexpr size_t kReadChunkBytes = 1 << 20;
// At most this many segments keep a reader open; reads are mostly of the newest segments.
constexpr size_t kMaxOpenReaders = 16;

}  // namespace

Result<std::unique_ptr<SegmentedLog>> SegmentedLog::Open(Env* env, const std::string& dir,
                                                         const LogOptions& options) {
  bool existed = env->FileExists(dir);
  RETURN_IF_ERROR(env->CreateDirs(dir));
  if (!existed) {
    // The directory entry itself must survive a crash for the segments in it to.
    RETURN_IF_ERROR(env->SyncDir(DirName(dir)));
  }
  ASSIGN_OR_RETURN(std::vector<Segment> segments, log_internal::RecoverSegments(env, dir));
  std::unique_ptr<SegmentedLog> log(new SegmentedLog(env, dir, options, std::move(segments)));
  RETURN_IF_ERROR(log->SyncRecovered());
  return log;
}

// The last segment may hold records a previous process wrote but never synced (it exited or was
// killed, the machine did not crash): they are in the page cache, recovery accepted them, and
// they must be made durable before a newer segment can exist. The directory too, as the segment
// may have been created without a directory sync.
Status SegmentedLog::SyncRecovered() {
  MutexLock write_lock(&write_mu_);
  if (NumSegments() == 0) {
    return Status::OK();
  }
  RETURN_IF_ERROR(EnsureWriterOpen());
  RETURN_IF_ERROR(writer_->Sync());
  return env_->SyncDir(dir_);
}

SegmentedLog::SegmentedLog(Env* env, std::string dir, const LogOptions& options,
                           std::vector<Segment> segments)
    : env_(env), dir_(std::move(dir)), options_(options), segments_(std::move(segments)) {}

SegmentedLog::~SegmentedLog() {
  if (writer_ != nullptr) {
    // Nothing to report to: unsynced data is not promised to anyone.
    (void)writer_->Close();
  }
}

uint64_t SegmentedLog::FirstIndex() const {
  MutexLock lock(&mu_);
  return segments_.empty() ? 0 : segments_.front().first_index;
}

uint64_t SegmentedLog::LastIndex() const {
  MutexLock lock(&mu_);
  return segments_.empty() ? 0 : segments_.back().last_index();
}

uint64_t SegmentedLog::SizeBytes() const {
  MutexLock lock(&mu_);
  uint64_t total = 0;
  for (const Segment& seg : segments_) {
    total += seg.size;
  }
  return total;
}

size_t SegmentedLog::NumSegments() const {
  MutexLock lock(&mu_);
  return segments_.size();
}

Status SegmentedLog::Fail(const Status& s) {
  BLOCKDB_CHECK(!s.ok());
  if (failed_.ok()) {
    failed_ = s.code() == StatusCode::kIOError ? s : Status::IOError(s.ToString());
    failed_ = failed_.Annotate("log " + dir_ + " failed");
  }
  return failed_;
}

// ---- Append and Sync ----

Status SegmentedLog::ValidateAppend(const std::vector<LogRecord>& records) const {
  uint64_t last = LastIndex();
  uint64_t start = records.front().index;
  if (last != 0 && start != last + 1) {
    return Status::InvalidArgument("log append at index " + std::to_string(start) + ", expected " +
                                   std::to_string(last + 1));
  }
  if (last == 0 && (start == 0 || start <= prefix_point_)) {
    return Status::InvalidArgument("log append to an empty log at index " + std::to_string(start) +
                                   ", must be above " + std::to_string(prefix_point_) +
                                   " and not 0");
  }
  for (size_t i = 0; i < records.size(); i++) {
    if (records[i].index != start + i) {
      return Status::InvalidArgument("log append: record " + std::to_string(i) + " has index " +
                                     std::to_string(records[i].index) + ", expected " +
                                     std::to_string(start + i));
    }
    if (records[i].payload.size() > kLogMaxPayload) {
      return Status::InvalidArgument("log append: record " + std::to_string(records[i].index) +
                                     " payload of " + std::to_string(records[i].payload.size()) +
                                     " bytes exceeds the limit of " +
                                     std::to_string(kLogMaxPayload));
    }
  }
  return Status::OK();
}

Status SegmentedLog::Append(const std::vector<LogRecord>& records) {
  MutexLock write_lock(&write_mu_);
  RETURN_IF_ERROR(failed_);
  if (records.empty()) {
    return Status::OK();
  }
  RETURN_IF_ERROR(ValidateAppend(records));

  bool rotate = false;
  {
    MutexLock lock(&mu_);
    rotate = segments_.empty() || segments_.back().size >= options_.segment_size ||
             (rotate_requested_ && !segments_.back().offsets.empty());
    rotate_requested_ = false;
  }
  Segment fresh;  // the segment this call starts, if any
  Status s = rotate ? StartSegment(records.front().index, &fresh) : EnsureWriterOpen();
  if (!s.ok()) {
    return Fail(s);
  }
  std::string buf;
  if (rotate) {
    EncodeLogSegmentHeader(fresh.first_index, &buf);
  }
  uint64_t base = rotate ? 0 : writer_->Size();
  std::vector<uint64_t> offsets;
  offsets.reserve(records.size());
  for (const LogRecord& r : records) {
    offsets.push_back(base + buf.size());
    EncodeLogRecord(r, &buf);
  }
  s = writer_->Append(buf);
  if (s.ok()) {
    s = writer_->Flush();
  }
  if (!s.ok()) {
    return Fail(s);
  }
  active_unsynced_ = true;

  MutexLock lock(&mu_);
  if (rotate) {
    segments_.push_back(std::move(fresh));
  }
  Segment& active = segments_.back();
  BLOCKDB_CHECK(active.size == base);
  active.offsets.insert(active.offsets.end(), offsets.begin(), offsets.end());
  active.size = base + buf.size();
  return Status::OK();
}

void SegmentedLog::RotateBeforeNextAppend() {
  MutexLock lock(&mu_);
  rotate_requested_ = true;
}

// Syncs and closes the active segment before the new one exists: from then on a crash can only
// damage the new (last) segment, which is what lets recovery treat any damage in an earlier
// segment as Corruption. Costs one fdatasync per segment_size bytes.
Status SegmentedLog::StartSegment(uint64_t first_index, Segment* segment) {
  RETURN_IF_ERROR(CloseActive(/*sync=*/true));
  segment->first_index = first_index;
  segment->path = JoinPath(dir_, LogSegmentFileName(first_index));
  segment->size = 0;
  ASSIGN_OR_RETURN(writer_, env_->NewWritableFile(segment->path));
  dir_unsynced_ = true;
  return Status::OK();
}

Status SegmentedLog::CloseActive(bool sync) {
  if (sync) {
    RETURN_IF_ERROR(SyncUnlocked());
  }
  if (writer_ != nullptr) {
    Status s = writer_->Close();
    writer_.reset();
    active_unsynced_ = false;
    RETURN_IF_ERROR(s);
  }
  return Status::OK();
}

Status SegmentedLog::EnsureWriterOpen() {
  if (writer_ != nullptr) {
    return Status::OK();
  }
  std::string path;
  uint64_t size = 0;
  {
    MutexLock lock(&mu_);
    path = segments_.back().path;
    size = segments_.back().size;
  }
  ASSIGN_OR_RETURN(writer_, env_->NewAppendableFile(path));
  if (writer_->Size() != size) {
    uint64_t actual = writer_->Size();
    writer_.reset();
    return Status::IOError("log segment " + path + " is " + std::to_string(actual) +
                           " bytes, expected " + std::to_string(size));
  }
  return Status::OK();
}

Status SegmentedLog::Sync() {
  MutexLock write_lock(&write_mu_);
  RETURN_IF_ERROR(failed_);
  Status s = SyncUnlocked();
  return s.ok() ? s : Fail(s);
}

// Requires write_mu_ (not mu_): the fsyncs run while readers go on.
Status SegmentedLog::SyncUnlocked() {
  if (writer_ != nullptr && active_unsynced_) {
    RETURN_IF_ERROR(writer_->Sync());
    active_unsynced_ = false;
  }
  if (dir_unsynced_) {
    RETURN_IF_ERROR(env_->SyncDir(dir_));
    dir_unsynced_ = false;
  }
  return Status::OK();
}

// ---- Truncation ----

Status SegmentedLog::TruncateSuffix(uint64_t from) {
  MutexLock write_lock(&write_mu_);
  RETURN_IF_ERROR(failed_);
  // Make the records that stay durable first, so that "durable on return" covers them too.
  Status s = SyncUnlocked();
  while (s.ok()) {
    uint64_t first_of_last = 0;
    {
      MutexLock lock(&mu_);
      if (segments_.empty() || from > segments_.back().last_index()) {
        break;
      }
      first_of_last = segments_.back().first_index;
    }
    if (first_of_last < from) {
      s = CutLastSegment(from);
      break;
    }
    s = RemoveLastSegment();
  }
  return s.ok() ? s : Fail(s);
}

// Removes the whole last segment: forgotten in memory first (readers then cannot reach it), then
// the file, then a directory sync before any earlier segment is touched.
Status SegmentedLog::RemoveLastSegment() {
  RETURN_IF_ERROR(CloseActive(/*sync=*/false));
  std::string path;
  {
    MutexLock lock(&mu_);
    path = segments_.back().path;
    segments_.pop_back();
  }
  RETURN_IF_ERROR(env_->RemoveFile(path));
  return env_->SyncDir(dir_);
}

// Cuts the last segment just before record `from`, which it holds (but not as its first record).
Status SegmentedLog::CutLastSegment(uint64_t from) {
  RETURN_IF_ERROR(CloseActive(/*sync=*/false));
  std::string path;
  uint64_t cut = 0;
  {
    MutexLock lock(&mu_);
    Segment& seg = segments_.back();
    BLOCKDB_CHECK(from > seg.first_index && from <= seg.last_index());
    cut = seg.offsets[from - seg.first_index];
    seg.offsets.resize(from - seg.first_index);
    seg.size = cut;
    path = seg.path;
  }
  // TruncateFile syncs; the writer is reopened (at the new end) by the next Append.
  return env_->TruncateFile(path, cut);
}

Status SegmentedLog::TruncatePrefix(uint64_t upto) {
  MutexLock write_lock(&write_mu_);
  RETURN_IF_ERROR(failed_);
  prefix_point_ = std::max(prefix_point_, upto);
  while (true) {
    std::string path;
    bool removing_active = false;
    {
      MutexLock lock(&mu_);
      // The active segment goes too when a rotation is pending: the next Append starts a new
      // segment anyway, and every record of this one is covered.
      bool active_removable = rotate_requested_ && segments_.size() == 1;
      if (segments_.empty() || (segments_.size() < 2 && !active_removable) ||
          segments_.front().last_index() > upto) {
        return Status::OK();
      }
      removing_active = segments_.size() == 1;
      path = segments_.front().path;
      segments_.erase(segments_.begin());
    }
    if (removing_active) {
      // Unsynced bytes in it can only be records <= upto, which the caller no longer needs.
      Status closed = CloseActive(/*sync=*/false);
      if (!closed.ok()) {
        return Fail(closed);
      }
    }
    // One directory sync per removal: removals that reached the disk out of order could leave a
    // gap at the front of the log, which recovery would rightly call Corruption.
    Status s = env_->RemoveFile(path);
    if (s.ok()) {
      s = env_->SyncDir(dir_);
    }
    if (!s.ok()) {
      return Fail(s);
    }
  }
}

// ---- Reads ----

const Segment* SegmentedLog::FindSegment(uint64_t index) const {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), index,
                             [](uint64_t i, const Segment& seg) { return i < seg.first_index; });
  if (it == segments_.begin()) {
    return nullptr;
  }
  --it;
  return index <= it->last_index() ? &*it : nullptr;
}

Status SegmentedLog::Read(uint64_t from, uint64_t to, std::vector<LogRecord>* out) const {
  if (from > to) {
    return Status::OK();
  }
  uint64_t next = from;
  while (next <= to) {
    MutexLock lock(&mu_);
    if (segments_.empty() || next < segments_.front().first_index ||
        to > segments_.back().last_index()) {
      return Status::OutOfRange(
          "log read of [" + std::to_string(from) + ", " + std::to_string(to) +
          "] but the log holds [" +
          std::to_string(segments_.empty() ? 0 : segments_.front().first_index) + ", " +
          std::to_string(segments_.empty() ? 0 : segments_.back().last_index()) + "]");
    }
    const Segment* seg = FindSegment(next);
    BLOCKDB_CHECK(seg != nullptr);
    size_t before = out->size();
    RETURN_IF_ERROR(
        ReadFromSegment(*seg, next, std::min(to, seg->last_index()), kReadChunkBytes, out));
    next += out->size() - before;
  }
  return Status::OK();
}

Status SegmentedLog::Scan(uint64_t from, const std::function<Status(const LogRecord&)>& fn) const {
  uint64_t next = 0;
  std::vector<LogRecord> chunk;
  while (true) {
    chunk.clear();
    {
      MutexLock lock(&mu_);
      if (segments_.empty()) {
        return Status::OK();
      }
      uint64_t first = segments_.front().first_index;
      if (next == 0) {
        next = std::max(from, first);
      } else if (next < first) {
        return Status::OutOfRange("log scan: record " + std::to_string(next) +
                                  " was removed by TruncatePrefix during the scan");
      }
      if (next > segments_.back().last_index()) {
        return Status::OK();
      }
      const Segment* seg = FindSegment(next);
      BLOCKDB_CHECK(seg != nullptr);
      RETURN_IF_ERROR(ReadFromSegment(*seg, next, seg->last_index(), kReadChunkBytes, &chunk));
    }
    for (const LogRecord& r : chunk) {
      RETURN_IF_ERROR(fn(r));
    }
    next += chunk.size();
  }
}

void SegmentedLog::CloseSurplusReaders(const Segment* keep) const {
  size_t open = 0;
  for (const Segment& seg : segments_) {
    open += seg.reader != nullptr ? 1 : 0;
  }
  for (auto it = segments_.begin(); open > kMaxOpenReaders && it != segments_.end(); ++it) {
    if (&*it != keep && it->reader != nullptr) {
      it->reader.reset();
      open--;
    }
  }
}

// Reads records [from, to] of `segment`, stopping early once at least one record and about
// max_bytes have been read: one read call covers the whole (contiguous) range read. Every record
// is checked again (checksum, index, length agreeing with the in-memory offsets): the file may
// have been damaged since recovery.
Status SegmentedLog::ReadFromSegment(const Segment& segment, uint64_t from, uint64_t to,
                                     size_t max_bytes, std::vector<LogRecord>* out) const {
  size_t first = from - segment.first_index;
  size_t last = to - segment.first_index;
  uint64_t begin = segment.offsets[first];
  while (last > first && segment.RecordEnd(last) - begin > max_bytes) {
    last = first + (last - first) / 2;
  }
  uint64_t end = segment.RecordEnd(last);

  if (segment.reader == nullptr) {
    ASSIGN_OR_RETURN(segment.reader, env_->NewRandomAccessFile(segment.path));
    CloseSurplusReaders(&segment);
  }
  std::string buf;
  RETURN_IF_ERROR(segment.reader->Read(begin, end - begin, &buf));
  if (buf.size() != end - begin) {
    return CorruptionAt(segment.path, begin + buf.size(), "file shorter than the records it held");
  }
  std::string_view in(buf);
  for (size_t i = first; i <= last; i++) {
    uint64_t offset = segment.offsets[i];
    std::string_view bytes = in.substr(offset - begin, segment.RecordEnd(i) - offset);
    LogRecordView view;
    size_t size = 0;
    LogDecodeResult r = DecodeLogRecord(bytes, &view, &size);
    if (r != LogDecodeResult::kOk) {
      return CorruptionAt(segment.path, offset, LogDecodeResultName(r));
    }
    if (size != bytes.size() || view.index != segment.first_index + i) {
      return CorruptionAt(segment.path, offset, "record does not match the log's index");
    }
    out->push_back(view.ToRecord());
  }
  return Status::OK();
}

}  // namespace blockdb
