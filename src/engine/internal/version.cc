#include "engine/internal/version.h"

#include <algorithm>

#include "common/check.h"
#include "engine/internal/iterators.h"

namespace blockdb {

size_t FindFile(const std::vector<FileMetaData>& files, std::string_view key) {
  auto it =
      std::lower_bound(files.begin(), files.end(), key,
                       [](const FileMetaData& f, std::string_view k) { return f.largest < k; });
  return static_cast<size_t>(it - files.begin());
}

namespace {

bool InRange(const FileMetaData& f, std::string_view key) {
  return key >= f.smallest && key <= f.largest;
}

class LevelIterator : public Iterator {
 public:
  LevelIterator(std::shared_ptr<const void> owner, const std::vector<FileMetaData>* files,
                TableCache* table_cache, bool fill_cache)
      : owner_(std::move(owner)),
        files_(files),
        table_cache_(table_cache),
        fill_cache_(fill_cache) {}

  bool Valid() const override { return table_iter_ != nullptr && table_iter_->Valid(); }
  void SeekToFirst() override {
    OpenFile(0);
    if (table_iter_ != nullptr) {
      table_iter_->SeekToFirst();
    }
    SkipExhaustedFiles();
  }
  void Seek(std::string_view target) override {
    OpenFile(FindFile(*files_, target));
    if (table_iter_ != nullptr) {
      table_iter_->Seek(target);
    }
    SkipExhaustedFiles();
  }
  void Next() override {
    BLOCKDB_CHECK(Valid());
    table_iter_->Next();
    SkipExhaustedFiles();
  }
  std::string_view key() const override { return table_iter_->key(); }
  std::string_view value() const override { return table_iter_->value(); }
  Status status() const override {
    if (!status_.ok()) {
      return status_;
    }
    return table_iter_ != nullptr ? table_iter_->status() : Status::OK();
  }

 private:
  // Opens files_[index] (or clears the position when index is past the end or on error).
  void OpenFile(size_t index) {
    table_iter_.reset();
    file_index_ = index;
    if (index >= files_->size() || !status_.ok()) {
      return;
    }
    Result<std::shared_ptr<Table>> table = table_cache_->Find((*files_)[index]);
    if (!table.ok()) {
      status_ = table.status();
      return;
    }
    std::shared_ptr<Table> t = std::move(table).value();
    std::unique_ptr<Iterator> iter = t->NewIterator(fill_cache_);
    table_iter_ = NewOwningIterator(std::move(t), std::move(iter));
  }

  void SkipExhaustedFiles() {
    while (table_iter_ != nullptr && !table_iter_->Valid()) {
      if (!table_iter_->status().ok()) {
        status_ = table_iter_->status();
        table_iter_.reset();
        return;
      }
      OpenFile(file_index_ + 1);
      if (table_iter_ != nullptr) {
        table_iter_->SeekToFirst();
      }
    }
  }

  std::shared_ptr<const void> owner_;
  const std::vector<FileMetaData>* files_;
  TableCache* table_cache_;
  bool fill_cache_;
  size_t file_index_ = 0;
  std::unique_ptr<Iterator> table_iter_;
  Status status_;
};

}  // namespace

Version::Version(ManifestState state, TableCache* table_cache)
    : state_(std::move(state)), table_cache_(table_cache) {}

uint64_t Version::LevelBytes(int level) const {
  uint64_t total = 0;
  for (const FileMetaData& f : state_.levels[level]) {
    total += f.file_size;
  }
  return total;
}

size_t Version::NumFiles() const {
  size_t n = 0;
  for (const auto& files : state_.levels) {
    n += files.size();
  }
  return n;
}

Status Version::Get(std::string_view key, std::string* engine_value) const {
  auto lookup = [&](const FileMetaData& f) -> Status {
    ASSIGN_OR_RETURN(std::shared_ptr<Table> table, table_cache_->Find(f));
    return table->Get(key, engine_value);
  };
  // Level-0 files overlap but keys are unique, so the order in which they are probed does not
  // matter: at most one holds the key.
  for (const FileMetaData& f : state_.levels[0]) {
    if (InRange(f, key)) {
      Status s = lookup(f);
      if (!s.IsNotFound()) {
        return s;
      }
    }
  }
  for (int level = 1; level < kNumLevels; ++level) {
    const auto& files = state_.levels[level];
    size_t i = FindFile(files, key);
    if (i < files.size() && InRange(files[i], key)) {
      Status s = lookup(files[i]);
      if (!s.IsNotFound()) {
        return s;
      }
    }
  }
  return Status::NotFound("");
}

void Version::AddIterators(const std::shared_ptr<const Version>& self, bool fill_cache,
                           std::vector<std::unique_ptr<Iterator>>* out) {
  for (const FileMetaData& f : self->state_.levels[0]) {
    out->push_back(self->NewTableIterator(f, fill_cache));
  }
  for (int level = 1; level < kNumLevels; ++level) {
    const auto& files = self->state_.levels[level];
    if (!files.empty()) {
      out->push_back(NewLevelIterator(self, &files, self->table_cache_, fill_cache));
    }
  }
}

std::unique_ptr<Iterator> Version::NewTableIterator(const FileMetaData& file,
                                                    bool fill_cache) const {
  Result<std::shared_ptr<Table>> table = table_cache_->Find(file);
  if (!table.ok()) {
    return NewEmptyIterator(table.status());
  }
  std::shared_ptr<Table> t = std::move(table).value();
  std::unique_ptr<Iterator> iter = t->NewIterator(fill_cache);
  return NewOwningIterator(std::move(t), std::move(iter));
}

std::unique_ptr<Iterator> NewLevelIterator(std::shared_ptr<const void> owner,
                                           const std::vector<FileMetaData>* files,
                                           TableCache* table_cache, bool fill_cache) {
  return std::make_unique<LevelIterator>(std::move(owner), files, table_cache, fill_cache);
}

}  // namespace blockdb
