#include "engine/internal/db_iterator.h"

#include "common/check.h"
#include "common/coding.h"
#include "engine/engine_value.h"

namespace blockdb {
namespace {

class SnapshotIterator : public Iterator {
 public:
  SnapshotIterator(std::shared_ptr<const void> owner, std::unique_ptr<Iterator> merged,
                   uint64_t snapshot)
      : owner_(std::move(owner)), iter_(std::move(merged)), snapshot_(snapshot) {}
  ~SnapshotIterator() override { iter_.reset(); }  // before owner_, whose data it reads

  bool Valid() const override { return iter_->Valid() && status_.ok(); }
  void SeekToFirst() override {
    iter_->SeekToFirst();
    SkipInvisible();
  }
  void Seek(std::string_view target) override {
    iter_->Seek(target);
    SkipInvisible();
  }
  void Next() override {
    BLOCKDB_CHECK(Valid());
    iter_->Next();
    SkipInvisible();
  }
  std::string_view key() const override {
    BLOCKDB_CHECK(Valid());
    return iter_->key();
  }
  std::string_view value() const override {
    BLOCKDB_CHECK(Valid());
    return user_value_;
  }
  Status status() const override { return status_.ok() ? iter_->status() : status_; }

 private:
  // Moves forward to the first entry visible at the snapshot, decoding its value.
  void SkipInvisible() {
    while (iter_->Valid() && status_.ok()) {
      uint64_t index = 0;
      if (!DecodeEngineValue(iter_->value(), &index, &user_value_)) {
        status_ = Status::Corruption("malformed engine value of key " + ToHex(iter_->key()));
        return;
      }
      if (index <= snapshot_) {
        return;
      }
      iter_->Next();
    }
  }

  std::shared_ptr<const void> owner_;
  std::unique_ptr<Iterator> iter_;
  const uint64_t snapshot_;
  std::string_view user_value_;
  Status status_;
};

}  // namespace

std::unique_ptr<Iterator> NewSnapshotIterator(std::shared_ptr<const void> owner,
                                              std::unique_ptr<Iterator> merged, uint64_t snapshot) {
  return std::make_unique<SnapshotIterator>(std::move(owner), std::move(merged), snapshot);
}

}  // namespace blockdb
