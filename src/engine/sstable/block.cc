#include "engine/sstable/block.h"

#include <cstdint>

#include "common/coding.h"
#include "engine/sstable/format.h"

namespace blockdb {

Result<std::unique_ptr<Block>> Block::Create(std::string contents, std::string_view file_name,
                                             uint64_t block_offset) {
  const size_t size = contents.size();
  if (size < sizeof(uint32_t) || size > UINT32_MAX) {
    return CorruptionAt(file_name, block_offset, "block too small or too large");
  }
  uint32_t num_restarts = DecodeFixed32(contents.data() + size - sizeof(uint32_t));
  uint64_t max_restarts = (size - sizeof(uint32_t)) / sizeof(uint32_t);
  if (num_restarts == 0 || num_restarts > max_restarts) {
    return CorruptionAt(file_name, block_offset,
                        "bad restart count " + std::to_string(num_restarts));
  }
  uint32_t restart_offset =
      static_cast<uint32_t>(size - sizeof(uint32_t) * (1 + static_cast<size_t>(num_restarts)));
  // Validating the whole restart array once here lets the iterator index it without checks.
  bool empty_block = restart_offset == 0 && num_restarts == 1;
  uint32_t prev = 0;
  for (uint32_t i = 0; i < num_restarts; ++i) {
    uint32_t r = DecodeFixed32(contents.data() + restart_offset + i * sizeof(uint32_t));
    bool ok = i == 0 ? r == 0 : r > prev;
    if (!ok || (r >= restart_offset && !empty_block)) {
      return CorruptionAt(file_name, block_offset, "bad restart point " + std::to_string(i));
    }
    prev = r;
  }
  return std::unique_ptr<Block>(
      new Block(std::move(contents), block_offset, restart_offset, num_restarts));
}

Block::Block(std::string contents, uint64_t block_offset, uint32_t restart_offset,
             uint32_t num_restarts)
    : contents_(std::move(contents)),
      block_offset_(block_offset),
      restart_offset_(restart_offset),
      num_restarts_(num_restarts) {}

// Decodes entries on demand. Invariant: when Valid(), key_ holds the full key of the entry at
// current_ and value_ points into the block; otherwise current_ == restart_offset_.
class Block::Iter final : public Iterator {
 public:
  Iter(const Block* block, std::string_view file_name)
      : data_(block->contents_.data()),
        block_offset_(block->block_offset_),
        restart_offset_(block->restart_offset_),
        num_restarts_(block->num_restarts_),
        file_name_(file_name),
        current_(restart_offset_),
        next_(restart_offset_) {}

  bool Valid() const override { return current_ < restart_offset_; }
  std::string_view key() const override { return key_; }
  std::string_view value() const override { return value_; }
  Status status() const override { return status_; }

  void SeekToFirst() override {
    if (!status_.ok()) {
      return;  // an error ends the iteration for good
    }
    SeekToRestart(0);
    ParseNextEntry();
  }

  void Next() override { ParseNextEntry(); }

  void Seek(std::string_view target) override {
    if (!status_.ok()) {
      return;
    }
    // Largest restart point whose key is < target; the answer is at or after it.
    uint32_t left = 0;
    uint32_t right = num_restarts_ - 1;
    while (left < right) {
      uint32_t mid = left + (right - left + 1) / 2;
      std::string_view mid_key;
      if (!KeyAtRestart(mid, &mid_key)) {
        return;
      }
      if (mid_key < target) {
        left = mid;
      } else {
        right = mid - 1;
      }
    }
    SeekToRestart(left);
    while (ParseNextEntry() && std::string_view(key_) < target) {
    }
  }

 private:
  struct EntryHeader {
    uint32_t shared;
    uint32_t non_shared;
    uint32_t value_length;
    const char* key_delta;  // non_shared bytes, followed by value_length value bytes
  };

  uint32_t RestartPoint(uint32_t i) const {
    return DecodeFixed32(data_ + restart_offset_ + i * sizeof(uint32_t));
  }

  // Decodes the header of the entry at offset; false if it is malformed or runs past the entries.
  bool DecodeHeader(uint32_t offset, EntryHeader* h) const {
    const char* p = data_ + offset;
    const char* limit = data_ + restart_offset_;
    p = DecodeVarint32(p, limit, &h->shared);
    if (p != nullptr) {
      p = DecodeVarint32(p, limit, &h->non_shared);
    }
    if (p != nullptr) {
      p = DecodeVarint32(p, limit, &h->value_length);
    }
    if (p == nullptr ||
        static_cast<uint64_t>(h->non_shared) + h->value_length > static_cast<size_t>(limit - p)) {
      return false;
    }
    h->key_delta = p;
    return true;
  }

  bool KeyAtRestart(uint32_t index, std::string_view* key) {
    EntryHeader h;
    uint32_t offset = RestartPoint(index);
    if (!DecodeHeader(offset, &h) || h.shared != 0) {
      return Corrupt(offset);
    }
    *key = std::string_view(h.key_delta, h.non_shared);
    return true;
  }

  void SeekToRestart(uint32_t index) {
    key_.clear();
    value_ = {};
    next_ = RestartPoint(index);
  }

  // Moves to the entry at next_; false at the end of the block or on corruption.
  bool ParseNextEntry() {
    current_ = next_;
    if (current_ >= restart_offset_) {
      current_ = restart_offset_;
      return false;
    }
    EntryHeader h;
    if (!DecodeHeader(current_, &h) || h.shared > key_.size()) {
      return Corrupt(current_);
    }
    key_.resize(h.shared);
    key_.append(h.key_delta, h.non_shared);
    value_ = std::string_view(h.key_delta + h.non_shared, h.value_length);
    next_ = static_cast<uint32_t>(value_.data() + value_.size() - data_);
    return true;
  }

  bool Corrupt(uint32_t entry_offset) {
    current_ = next_ = restart_offset_;
    key_.clear();
    value_ = {};
    if (status_.ok()) {
      status_ = CorruptionAt(file_name_, block_offset_,
                             "malformed block entry at block byte " + std::to_string(entry_offset));
    }
    return false;
  }

  const char* const data_;
  const uint64_t block_offset_;
  const uint32_t restart_offset_;
  const uint32_t num_restarts_;
  const std::string_view file_name_;
  uint32_t current_;  // offset of the current entry
  uint32_t next_;     // offset of the entry after it
  std::string key_;
  std::string_view value_;
  Status status_;
};

std::unique_ptr<Iterator> Block::NewIterator(std::string_view file_name) const {
  return std::make_unique<Iter>(this, file_name);
}

}  // namespace blockdb
