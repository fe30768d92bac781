// Iterator building blocks of the engine's read path.
#pragma once

#include <memory>
#include <vector>

#include "common/status.h"
#include "engine/iterator.h"

namespace blockdb {

// An iterator over nothing that reports status (OK or an error met while building a read path).
std::unique_ptr<Iterator> NewEmptyIterator(Status status = Status::OK());

// Merges ordered children into one ordered stream. A key present in several children (which the
// engine never produces, since keys are unique, but costs nothing to tolerate) is returned once,
// with the value of the first child holding it. The first child error ends the iteration.
std::unique_ptr<Iterator> NewMergingIterator(std::vector<std::unique_ptr<Iterator>> children);

// An iterator that owns `owner` (anything whose lifetime the wrapped iterator depends on, e.g.
// a std::shared_ptr<Table>) and destroys it after the wrapped iterator.
template <typename Owner>
std::unique_ptr<Iterator> NewOwningIterator(Owner owner, std::unique_ptr<Iterator> iter);

namespace internal {
class OwningIteratorBase : public Iterator {
 public:
  explicit OwningIteratorBase(std::unique_ptr<Iterator> iter) : iter_(std::move(iter)) {}
  bool Valid() const override { return iter_->Valid(); }
  void SeekToFirst() override { iter_->SeekToFirst(); }
  void Seek(std::string_view target) override { iter_->Seek(target); }
  void Next() override { iter_->Next(); }
  std::string_view key() const override { return iter_->key(); }
  std::string_view value() const override { return iter_->value(); }
  Status status() const override { return iter_->status(); }

 protected:
  void Reset() { iter_.reset(); }

 private:
  std::unique_ptr<Iterator> iter_;
};

template <typename Owner>
class OwningIterator : public OwningIteratorBase {
 public:
  OwningIterator(Owner owner, std::unique_ptr<Iterator> iter)
      : OwningIteratorBase(std::move(iter)), owner_(std::move(owner)) {}
  ~OwningIterator() override { Reset(); }  // the iterator goes before what it depends on

 private:
  Owner owner_;
};
}  // namespace internal

template <typename Owner>
std::unique_ptr<Iterator> NewOwningIterator(Owner owner, std::unique_ptr<Iterator> iter) {
  return std::make_unique<internal::OwningIterator<Owner>>(std::move(owner), std::move(iter));
}

}  // namespace blockdb
