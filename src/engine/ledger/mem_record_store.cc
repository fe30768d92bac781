#include "engine/ledger/mem_record_store.h"

#include <set>

#include "common/coding.h"

namespace blockdb::ledger {
namespace {

using RecordMap = std::map<std::string, std::string, std::less<>>;

// Each step takes the store's lock, so iterators may run while Apply inserts: std::map never
// moves or invalidates a node on insert, so a position and the key and value views stay valid;
// the lock only keeps the tree's links from being read mid-rebalance. An iterator may see
// records inserted after it was created. Put and Erase (tampering tests) must still not run
// concurrently with an iterator.
class MapIterator : public Iterator {
 public:
  MapIterator(const RecordMap* map, std::mutex* mu) : map_(map), mu_(mu), it_(map->end()) {}

  bool Valid() const override {
    std::lock_guard<std::mutex> lock(*mu_);
    return it_ != map_->end();
  }
  void SeekToFirst() override {
    std::lock_guard<std::mutex> lock(*mu_);
    it_ = map_->begin();
  }
  void Seek(std::string_view target) override {
    std::lock_guard<std::mutex> lock(*mu_);
    it_ = map_->lower_bound(target);
  }
  void Next() override {
    std::lock_guard<std::mutex> lock(*mu_);
    ++it_;
  }
  std::string_view key() const override { return it_->first; }
  std::string_view value() const override { return it_->second; }
  Status status() const override { return Status::OK(); }

 private:
  const RecordMap* map_;
  std::mutex* mu_;
  RecordMap::const_iterator it_;
};

}  // namespace

Status MemRecordStore::Get(std::string_view key, std::string* value) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = records_.find(key);
  if (it == records_.end()) {
    return Status::NotFound("no record " + ToHex(key));
  }
  *value = it->second;
  return Status::OK();
}

Status MemRecordStore::Apply(const RecordWrites& writes) {
  std::lock_guard<std::mutex> lock(mu_);
  std::set<std::string_view> batch_keys;
  for (const auto& write : writes) {
    if (records_.count(write.first) != 0) {
      return Status::InvalidArgument("record " + ToHex(write.first) + " already exists");
    }
    if (!batch_keys.insert(write.first).second) {
      return Status::InvalidArgument("record " + ToHex(write.first) + " written twice");
    }
  }
  for (const auto& [key, value] : writes) {
    records_.emplace(key, value);
  }
  return Status::OK();
}

void MemRecordStore::Put(std::string key, std::string value) {
  std::lock_guard<std::mutex> lock(mu_);
  records_[std::move(key)] = std::move(value);
}

void MemRecordStore::Erase(std::string_view key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = records_.find(key);
  if (it != records_.end()) {
    records_.erase(it);
  }
}

size_t MemRecordStore::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return records_.size();
}

RecordLookup MemRecordStore::lookup() const {
  return [this](std::string_view key, std::string* value) { return Get(key, value); };
}

RecordSource MemRecordStore::source() const {
  return RecordSource{lookup(), [this] { return NewIterator(); }};
}

std::unique_ptr<Iterator> MemRecordStore::NewIterator() const {
  return std::make_unique<MapIterator>(&records_, &mu_);
}

}  // namespace blockdb::ledger
