#include "engine/sstable/block_builder.h"

#include <algorithm>
#include <cstdint>

#include "common/check.h"
#include "common/coding.h"

namespace blockdb {

BlockBuilder::BlockBuilder(int restart_interval) : restart_interval_(restart_interval) {
  BLOCKDB_CHECK(restart_interval_ >= 1);
  restarts_.push_back(0);
}

void BlockBuilder::Reset() {
  buffer_.clear();
  restarts_.clear();
  restarts_.push_back(0);
  counter_ = 0;
  finished_ = false;
  last_key_.clear();
}

size_t BlockBuilder::CurrentSizeEstimate() const {
  return buffer_.size() + restarts_.size() * sizeof(uint32_t) + sizeof(uint32_t);
}

std::string_view BlockBuilder::Finish() {
  BLOCKDB_CHECK(!finished_);
  for (uint32_t r : restarts_) {
    PutFixed32(&buffer_, r);
  }
  PutFixed32(&buffer_, static_cast<uint32_t>(restarts_.size()));
  finished_ = true;
  return buffer_;
}

void BlockBuilder::Add(std::string_view key, std::string_view value) {
  BLOCKDB_CHECK(!finished_);
  BLOCKDB_CHECK(buffer_.empty() || key > std::string_view(last_key_));
  BLOCKDB_CHECK(key.size() <= UINT32_MAX && value.size() <= UINT32_MAX);
  size_t shared = 0;
  if (counter_ < restart_interval_) {
    size_t limit = std::min(last_key_.size(), key.size());
    while (shared < limit && last_key_[shared] == key[shared]) {
      ++shared;
    }
  } else {
    restarts_.push_back(static_cast<uint32_t>(buffer_.size()));
    counter_ = 0;
  }
  size_t non_shared = key.size() - shared;
  PutVarint32(&buffer_, static_cast<uint32_t>(shared));
  PutVarint32(&buffer_, static_cast<uint32_t>(non_shared));
  PutVarint32(&buffer_, static_cast<uint32_t>(value.size()));
  buffer_.append(key.data() + shared, non_shared);
  buffer_.append(value.data(), value.size());
  last_key_.resize(shared);
  last_key_.append(key.data() + shared, non_shared);
  ++counter_;
}

}  // namespace blockdb
