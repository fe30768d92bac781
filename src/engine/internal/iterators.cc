#include "engine/internal/iterators.h"

#include <vector>

#include "common/check.h"

namespace blockdb {
namespace {

class EmptyIterator : public Iterator {
 public:
  explicit EmptyIterator(Status status) : status_(std::move(status)) {}
  bool Valid() const override { return false; }
  void SeekToFirst() override {}
  void Seek(std::string_view) override {}
  void Next() override { BLOCKDB_CHECK(false); }
  std::string_view key() const override {
    BLOCKDB_CHECK(false);
    return {};
  }
  std::string_view value() const override {
    BLOCKDB_CHECK(false);
    return {};
  }
  Status status() const override { return status_; }

 private:
  Status status_;
};

// Few children (two memtables, the level-0 files, one per deeper level), so finding the smallest
// by a linear scan is cheaper than maintaining a heap.
class MergingIterator : public Iterator {
 public:
  explicit MergingIterator(std::vector<std::unique_ptr<Iterator>> children)
      : children_(std::move(children)) {}

  bool Valid() const override { return current_ != nullptr && status_.ok(); }
  void SeekToFirst() override {
    for (auto& child : children_) {
      child->SeekToFirst();
    }
    CollectLive();
  }
  void Seek(std::string_view target) override {
    for (auto& child : children_) {
      child->Seek(target);
    }
    CollectLive();
  }
  void Next() override {
    BLOCKDB_CHECK(Valid());
    // Other children sitting on the current key (a key written twice) step past it too, so
    // that it is returned once. They are compared before the current child moves: its key()
    // is only valid until then.
    const std::string_view key = current_->key();
    for (Iterator* child : live_) {
      if (child != current_ && child->key() == key) {
        child->Next();
      }
    }
    current_->Next();
    DropExhausted();
    FindSmallest();
  }
  std::string_view key() const override {
    BLOCKDB_CHECK(Valid());
    return current_->key();
  }
  std::string_view value() const override {
    BLOCKDB_CHECK(Valid());
    return current_->value();
  }
  Status status() const override { return status_; }

 private:
  // Rebuilds live_ from every child after a seek.
  void CollectLive() {
    live_.clear();
    for (auto& child : children_) {
      live_.push_back(child.get());
    }
    DropExhausted();
    FindSmallest();
  }

  // Removes the children that ran out from live_, keeping the first error among them. A scan
  // over compacted data usually has one live child left, and then a step costs no comparison.
  void DropExhausted() {
    std::erase_if(live_, [this](Iterator* child) {
      if (child->Valid()) return false;
      Status s = child->status();
      if (!s.ok() && status_.ok()) {
        status_ = s;
      }
      return true;
    });
  }

  void FindSmallest() {
    current_ = nullptr;
    for (Iterator* child : live_) {
      if (current_ == nullptr || child->key() < current_->key()) {
        current_ = child;
      }
    }
  }

  std::vector<std::unique_ptr<Iterator>> children_;
  std::vector<Iterator*> live_;  // the valid children, in children_'s order
  Iterator* current_ = nullptr;
  Status status_;
};

}  // namespace

std::unique_ptr<Iterator> NewEmptyIterator(Status status) {
  return std::make_unique<EmptyIterator>(std::move(status));
}

std::unique_ptr<Iterator> NewMergingIterator(std::vector<std::unique_ptr<Iterator>> children) {
  if (children.empty()) {
    return NewEmptyIterator();
  }
  if (children.size() == 1) {
    return std::move(children.front());
  }
  return std::make_unique<MergingIterator>(std::move(children));
}

}  // namespace blockdb
