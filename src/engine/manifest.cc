#include "engine/manifest.h"

#include <cstdio>
#include <cstring>
#include <set>

#include "common/coding.h"
#include "common/crc32c.h"

namespace blockdb {
namespace {

constexpr size_t kMagicSize = 8;
constexpr size_t kHeaderSize = kMagicSize + 4 + 4;  // magic, version, body length
constexpr size_t kTrailerSize = 4;                  // masked CRC32C

void EncodeFile(const FileMetaData& f, std::string* dst) {
  PutVarint64(dst, f.number);
  PutVarint64(dst, f.file_size);
  PutVarint64(dst, f.num_entries);
  PutLengthPrefixed(dst, f.smallest);
  PutLengthPrefixed(dst, f.largest);
}

// Decodes the body, tracking the offset of each failure for the error message.
class BodyDecoder {
 public:
  BodyDecoder(std::string_view body, std::string_view file_name)
      : body_(body), rest_(body), file_name_(file_name) {}

  Status Decode(ManifestState* state) {
    uint32_t num_levels = 0;
    if (!GetVarint64(&rest_, &state->next_file_number) ||
        !GetVarint64(&rest_, &state->applied_index) || !GetVarint32(&rest_, &num_levels)) {
      return Error("truncated body header");
    }
    if (num_levels > static_cast<uint32_t>(kNumLevels)) {
      return Error("level count " + std::to_string(num_levels) + " exceeds " +
                   std::to_string(kNumLevels));
    }
    for (uint32_t level = 0; level < num_levels; ++level) {
      RETURN_IF_ERROR(DecodeLevel(&state->levels[level]));
    }
    if (!rest_.empty()) {
      return Error(std::to_string(rest_.size()) + " trailing bytes in body");
    }
    return Status::OK();
  }

 private:
  Status DecodeLevel(std::vector<FileMetaData>* files) {
    uint32_t count = 0;
    if (!GetVarint32(&rest_, &count)) {
      return Error("truncated file count");
    }
    // A file record takes at least five bytes: bounds count before reserving.
    if (count > rest_.size() / 5) {
      return Error("file count " + std::to_string(count) + " exceeds body");
    }
    for (uint32_t i = 0; i < count; ++i) {
      FileMetaData f;
      std::string_view smallest;
      std::string_view largest;
      if (!GetVarint64(&rest_, &f.number) || !GetVarint64(&rest_, &f.file_size) ||
          !GetVarint64(&rest_, &f.num_entries) || !GetLengthPrefixed(&rest_, &smallest) ||
          !GetLengthPrefixed(&rest_, &largest)) {
        return Error("truncated file record");
      }
      f.smallest.assign(smallest);
      f.largest.assign(largest);
      files->push_back(std::move(f));
    }
    return Status::OK();
  }

  Status Error(const std::string& what) const {
    size_t offset = kHeaderSize + (body_.size() - rest_.size());
    return Status::Corruption(std::string(file_name_) + " offset " + std::to_string(offset) + ": " +
                              what);
  }

  std::string_view body_;
  std::string_view rest_;
  std::string_view file_name_;
};

Status CheckConsistency(const ManifestState& state, std::string_view file_name) {
  auto bad = [&](const std::string& what) {
    return Status::Corruption(std::string(file_name) + ": inconsistent state: " + what);
  };
  std::set<uint64_t> numbers;
  for (int level = 0; level < kNumLevels; ++level) {
    const auto& files = state.levels[level];
    for (size_t i = 0; i < files.size(); ++i) {
      const FileMetaData& f = files[i];
      std::string name = TableFileName(f.number);
      if (f.number >= state.next_file_number || !numbers.insert(f.number).second) {
        return bad(name + " has a reused or out-of-range number");
      }
      if (f.smallest > f.largest) {
        return bad(name + " has smallest key > largest key");
      }
      if (level > 0 && i > 0 && files[i - 1].largest >= f.smallest) {
        return bad(name + " overlaps its predecessor in level " + std::to_string(level));
      }
    }
  }
  return Status::OK();
}

}  // namespace

void EncodeManifest(const ManifestState& state, std::string* dst) {
  std::string body;
  PutVarint64(&body, state.next_file_number);
  PutVarint64(&body, state.applied_index);
  PutVarint32(&body, kNumLevels);
  for (const auto& files : state.levels) {
    PutVarint32(&body, static_cast<uint32_t>(files.size()));
    for (const FileMetaData& f : files) {
      EncodeFile(f, &body);
    }
  }
  size_t start = dst->size();
  dst->append(kManifestMagic, kMagicSize);
  PutFixed32(dst, kManifestFormatVersion);
  PutFixed32(dst, static_cast<uint32_t>(body.size()));
  dst->append(body);
  uint32_t crc = crc32c::Value(dst->data() + start, dst->size() - start);
  PutFixed32(dst, crc32c::Mask(crc));
}

Status DecodeManifest(std::string_view data, std::string_view file_name, ManifestState* state) {
  auto error = [&](size_t offset, const std::string& what) {
    return Status::Corruption(std::string(file_name) + " offset " + std::to_string(offset) + ": " +
                              what);
  };
  if (data.size() < kHeaderSize + kTrailerSize) {
    return error(0, "file of " + std::to_string(data.size()) + " bytes is too short");
  }
  if (std::memcmp(data.data(), kManifestMagic, kMagicSize) != 0) {
    return error(0, "bad magic");
  }
  uint32_t version = DecodeFixed32(data.data() + kMagicSize);
  if (version != kManifestFormatVersion) {
    return error(kMagicSize, "unsupported version " + std::to_string(version));
  }
  uint64_t body_size = DecodeFixed32(data.data() + kMagicSize + 4);
  if (body_size != data.size() - kHeaderSize - kTrailerSize) {
    return error(kMagicSize + 4, "body length " + std::to_string(body_size) +
                                     " does not match file size " + std::to_string(data.size()));
  }
  size_t crc_offset = kHeaderSize + body_size;
  uint32_t expected = crc32c::Unmask(DecodeFixed32(data.data() + crc_offset));
  if (crc32c::Value(data.data(), crc_offset) != expected) {
    return error(crc_offset, "checksum mismatch");
  }
  ManifestState decoded;
  BodyDecoder decoder(data.substr(kHeaderSize, body_size), file_name);
  RETURN_IF_ERROR(decoder.Decode(&decoded));
  RETURN_IF_ERROR(CheckConsistency(decoded, file_name));
  *state = std::move(decoded);
  return Status::OK();
}

Status WriteManifest(Env* env, const std::string& dir, const ManifestState& state) {
  std::string contents;
  EncodeManifest(state, &contents);
  std::string tmp = JoinPath(dir, kManifestTempFileName);
  RETURN_IF_ERROR(WriteStringToFileSync(env, contents, tmp));
  RETURN_IF_ERROR(env->RenameFile(tmp, JoinPath(dir, kManifestFileName)));
  return env->SyncDir(dir);
}

Status ReadManifest(Env* env, const std::string& dir, ManifestState* state) {
  std::string path = JoinPath(dir, kManifestFileName);
  if (!env->FileExists(path)) {
    return Status::NotFound(path + " does not exist");
  }
  ASSIGN_OR_RETURN(std::string contents, ReadFileToString(env, path));
  return DecodeManifest(contents, kManifestFileName, state);
}

std::string TableFileName(uint64_t number) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%06llu.sst", static_cast<unsigned long long>(number));
  return buf;
}

bool ParseTableFileName(std::string_view name, uint64_t* number) {
  constexpr std::string_view kSuffix = ".sst";
  if (name.size() <= kSuffix.size() || name.substr(name.size() - kSuffix.size()) != kSuffix) {
    return false;
  }
  std::string_view digits = name.substr(0, name.size() - kSuffix.size());
  if (digits.size() > 19) {
    return false;
  }
  uint64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') {
      return false;
    }
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  *number = value;
  return true;
}

}  // namespace blockdb
