#include "engine/internal/iterators.h"

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
    FindSmallest();
  }
  void Seek(std::string_view target) override {
    for (auto& child : children_) {
      child->Seek(target);
    }
    FindSmallest();
  }
  void Next() override {
    BLOCKDB_CHECK(Valid());
    // Advance every child sitting on the current key, so that duplicates are returned once.
    current_key_.assign(current_->key());
    for (auto& child : children_) {
      if (child->Valid() && child->key() == current_key_) {
        child->Next();
      }
    }
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
  void FindSmallest() {
    current_ = nullptr;
    for (auto& child : children_) {
      if (!child->Valid()) {
        Status s = child->status();
        if (!s.ok() && status_.ok()) {
          status_ = s;
        }
        continue;
      }
      if (current_ == nullptr || child->key() < current_->key()) {
        current_ = child.get();
      }
    }
  }

  std::vector<std::unique_ptr<Iterator>> children_;
  Iterator* current_ = nullptr;
  Status status_;
  std::string current_key_;  // reused buffer (Next must not allocate per step)
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
