// Manifest: the durable description of the LSM tree's SSTables.
//
// The MANIFEST file holds the live SSTables per level (number, size, key range, entry count),
// the next file number and the last applied log index whose effects the SSTables contain
// (recovery replays the log from the record after it). It is small and rewritten whole on every
// change, atomically: write MANIFEST.tmp, fsync it, rename it over MANIFEST, fsync the directory.
// A crash therefore leaves either the old or the new MANIFEST (and perhaps a stale MANIFEST.tmp,
// which is ignored and overwritten). Byte layout: docs/format/manifest.md.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"
#include "common/status.h"

namespace blockdb {

inline constexpr int kNumLevels = 7;
inline constexpr char kManifestFileName[] = "MANIFEST";
inline constexpr char kManifestTempFileName[] = "MANIFEST.tmp";
// "BDBMNFST": the first eight bytes of every MANIFEST.
inline constexpr char kManifestMagic[] = "BDBMNFST";
inline constexpr uint32_t kManifestFormatVersion = 1;

// One live SSTable.
struct FileMetaData {
  uint64_t number = 0;     // the file is <number, 6 digits>.sst
  uint64_t file_size = 0;  // bytes
  uint64_t num_entries = 0;
  std::string smallest;  // smallest and largest user key in the file (inclusive)
  std::string largest;

  bool operator==(const FileMetaData&) const = default;
};

struct ManifestState {
  uint64_t next_file_number = 1;
  // Every log record with index <= applied_index is reflected in the SSTables below.
  uint64_t applied_index = 0;
  // Level 0 files may overlap, in the order they were flushed. Files of each level >= 1 are
  // sorted by key range and do not overlap.
  std::array<std::vector<FileMetaData>, kNumLevels> levels;

  bool operator==(const ManifestState&) const = default;
};

// Appends the whole-file encoding of state (magic, version, body length, body, CRC).
void EncodeManifest(const ManifestState& state, std::string* dst);
// Decodes a MANIFEST file's contents. Corruption naming file_name and the byte offset for a
// bad magic, an unknown version, a length beyond the file, a checksum mismatch, a malformed
// body, or an inconsistent state (overlapping files in a level >= 1, a file number not below
// next_file_number, a duplicated file number, smallest > largest).
Status DecodeManifest(std::string_view data, std::string_view file_name, ManifestState* state);

// Atomically replaces dir/MANIFEST with state; durable on return.
Status WriteManifest(Env* env, const std::string& dir, const ManifestState& state);
// Reads dir/MANIFEST. NotFound when it does not exist.
Status ReadManifest(Env* env, const std::string& dir, ManifestState* state);

// "000012.sst" for 12.
std::string TableFileName(uint64_t number);
// Parses a table file name; false for any other name.
bool ParseTableFileName(std::string_view name, uint64_t* number);

}  // namespace blockdb
