// BlockBuilder: encodes sorted key/value pairs into one block with prefix compression.
//
// Entry layout (docs/format/sstable.md, "Blocks"):
//   shared:varint32 non_shared:varint32 value_length:varint32 key_delta[non_shared] value
// where the key is the first `shared` bytes of the previous key followed by key_delta. Every
// restart_interval entries the key is stored whole (shared = 0) and the entry's offset is
// recorded; the block ends with the restart offsets (fixed32 each) and their count (fixed32), so
// a reader can binary-search the restart points. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace blockdb {

class BlockBuilder {
 public:
  // REQUIRES: restart_interval >= 1.
  explicit BlockBuilder(int restart_interval);

  // REQUIRES: Finish() not called since the last Reset(); key > every key added since (bytewise).
  void Add(std::string_view key, std::string_view value);
  // Appends the restart array and returns the finished contents, valid until Reset().
  std::string_view Finish();
  // Starts a new, empty block.
  void Reset();

  // Size of the block if finished now.
  size_t CurrentSizeEstimate() const;
  bool empty() const { return buffer_.empty(); }
  std::string_view last_key() const { return last_key_; }

 private:
  const int restart_interval_;
  std::string buffer_;
  std::vector<uint32_t> restarts_;
  int counter_ = 0;  // entries since the last restart point
  bool finished_ = false;
  std::string last_key_;
};

}  // namespace blockdb
