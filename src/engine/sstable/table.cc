#include "engine/sstable/table.h"

#include <utility>

#include "common/check.h"

namespace blockdb {

// A decoded data block kept alive for as long as it is used: pinned in the cache, or owned when
// the table has no cache. Move-only.
class Table::BlockRef {
 public:
  BlockRef() = default;
  BlockRef(BlockCache* cache, BlockCache::Handle* handle) : cache_(cache), handle_(handle) {}
  explicit BlockRef(std::unique_ptr<Block> owned) : owned_(std::move(owned)) {}
  BlockRef(BlockRef&& other) noexcept { *this = std::move(other); }
  BlockRef& operator=(BlockRef&& other) noexcept {
    if (this != &other) {
      Reset();
      cache_ = std::exchange(other.cache_, nullptr);
      handle_ = std::exchange(other.handle_, nullptr);
      owned_ = std::move(other.owned_);
    }
    return *this;
  }
  ~BlockRef() { Reset(); }

  const Block* get() const {
    return handle_ != nullptr ? BlockCache::Value(handle_) : owned_.get();
  }

 private:
  void Reset() {
    if (handle_ != nullptr) {
      cache_->Release(handle_);
      handle_ = nullptr;
    }
    owned_.reset();
  }

  BlockCache* cache_ = nullptr;
  BlockCache::Handle* handle_ = nullptr;
  std::unique_ptr<Block> owned_;
};

// Index iterator -> data block iterator. Invariant: data_iter_ (when set) iterates block_, which
// is the block named by the index entry under index_iter_.
class Table::TwoLevelIterator final : public Iterator {
 public:
  TwoLevelIterator(const Table* table, bool fill_cache)
      : table_(table),
        fill_cache_(fill_cache),
        index_iter_(table->index_block_->NewIterator(table->file_name_)) {}

  bool Valid() const override { return data_iter_ != nullptr && data_iter_->Valid(); }
  std::string_view key() const override { return data_iter_->key(); }
  std::string_view value() const override { return data_iter_->value(); }

  Status status() const override {
    if (!status_.ok()) {
      return status_;
    }
    return index_iter_->status();
  }

  void SeekToFirst() override {
    if (!status_.ok()) {
      return;
    }
    index_iter_->SeekToFirst();
    InitDataBlock();
    if (data_iter_ != nullptr) {
      data_iter_->SeekToFirst();
    }
    SkipEmptyBlocks();
  }

  void Seek(std::string_view target) override {
    if (!status_.ok()) {
      return;
    }
    index_iter_->Seek(target);
    InitDataBlock();
    if (data_iter_ != nullptr) {
      data_iter_->Seek(target);
    }
    SkipEmptyBlocks();
  }

  void Next() override {
    BLOCKDB_CHECK(Valid());
    data_iter_->Next();
    SkipEmptyBlocks();
  }

 private:
  void ClearData() {
    data_iter_.reset();  // before the block it points into
    block_ = BlockRef();
  }

  // Records an error, which ends the iteration.
  void Fail(Status s) {
    status_ = std::move(s);
    ClearData();
  }

  // Points data_iter_ (unpositioned) at the block of the current index entry, or clears it.
  void InitDataBlock() {
    if (!index_iter_->Valid()) {
      ClearData();
      return;
    }
    BlockHandle handle;
    Status s = table_->DecodeIndexValue(index_iter_->value(), &handle);
    if (s.ok() && data_iter_ != nullptr && block_.get()->block_offset() == handle.offset) {
      return;  // already there
    }
    ClearData();
    if (s.ok()) {
      s = table_->ReadDataBlock(handle, fill_cache_, &block_);
    }
    if (!s.ok()) {
      Fail(std::move(s));
      return;
    }
    data_iter_ = block_.get()->NewIterator(table_->file_name_);
  }

  // Moves past exhausted data blocks to the first entry of the next non-empty one.
  void SkipEmptyBlocks() {
    while (data_iter_ != nullptr && !data_iter_->Valid()) {
      if (!data_iter_->status().ok()) {
        Fail(data_iter_->status());
        return;
      }
      index_iter_->Next();
      InitDataBlock();
      if (data_iter_ != nullptr) {
        data_iter_->SeekToFirst();
      }
    }
  }

  const Table* const table_;
  const bool fill_cache_;
  const std::unique_ptr<Iterator> index_iter_;
  BlockRef block_;
  std::unique_ptr<Iterator> data_iter_;
  Status status_;
};

Table::Table(std::unique_ptr<RandomAccessFile> file, uint64_t file_size, std::string file_name,
             uint64_t cache_id, BlockCache* cache)
    : file_(std::move(file)),
      file_size_(file_size),
      file_name_(std::move(file_name)),
      cache_id_(cache_id),
      cache_(cache) {}

Table::~Table() = default;

Result<std::unique_ptr<Table>> Table::Open(const TableOptions& options,
                                           std::unique_ptr<RandomAccessFile> file,
                                           uint64_t file_size, std::string file_name,
                                           uint64_t cache_id, BlockCache* cache) {
  if (file_size < Footer::kEncodedLength) {
    return CorruptionAt(file_name, 0,
                        "file too short to be a table (" + std::to_string(file_size) + " bytes)");
  }
  const uint64_t footer_offset = file_size - Footer::kEncodedLength;
  std::string footer_bytes;
  Status s = file->Read(footer_offset, Footer::kEncodedLength, &footer_bytes);
  if (!s.ok()) {
    return s.Annotate(file_name);
  }
  Footer footer;
  RETURN_IF_ERROR(footer.DecodeFrom(footer_bytes, file_name, footer_offset));
  std::unique_ptr<Table> table(
      new Table(std::move(file), file_size, std::move(file_name), cache_id, cache));
  RETURN_IF_ERROR(table->ReadMetaBlocks(footer));
  RETURN_IF_ERROR(table->ValidateIndex());
  return table;
}

Status Table::ReadMetaBlocks(const Footer& footer) {
  const uint64_t footer_offset = file_size_ - Footer::kEncodedLength;
  ASSIGN_OR_RETURN(std::string index, ReadBlock(*file_, file_name_, footer_offset, footer.index));
  ASSIGN_OR_RETURN(index_block_, Block::Create(std::move(index), file_name_, footer.index.offset));
  index_offset_ = footer.index.offset;

  ASSIGN_OR_RETURN(filter_data_, ReadBlock(*file_, file_name_, footer_offset, footer.filter));
  ASSIGN_OR_RETURN(filter_, BloomFilter::Parse(filter_data_, file_name_, footer.filter.offset));
  data_limit_ = footer.filter.offset;

  ASSIGN_OR_RETURN(std::string props,
                   ReadBlock(*file_, file_name_, footer_offset, footer.properties));
  return props_.DecodeFrom(props, file_name_, footer.properties.offset);
}

// The index is in memory anyway; checking once that its handles tile the data area exactly
// turns any inconsistency into an error at open instead of a surprise during a read.
Status Table::ValidateIndex() const {
  std::unique_ptr<Iterator> it = index_block_->NewIterator(file_name_);
  uint64_t expected_offset = 0;
  uint64_t blocks = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    BlockHandle handle;
    RETURN_IF_ERROR(DecodeIndexValue(it->value(), &handle));
    if (handle.offset != expected_offset || handle.size > data_limit_ - handle.offset ||
        data_limit_ - handle.offset - handle.size < kBlockTrailerSize) {
      return CorruptionAt(file_name_, index_offset_,
                          "index entry " + std::to_string(blocks) + " has an invalid handle");
    }
    expected_offset = handle.offset + handle.size + kBlockTrailerSize;
    ++blocks;
  }
  RETURN_IF_ERROR(it->status());
  if (expected_offset != data_limit_ || (blocks == 0) != (props_.num_entries == 0)) {
    return CorruptionAt(file_name_, index_offset_, "index does not cover the data blocks");
  }
  return Status::OK();
}

Status Table::DecodeIndexValue(std::string_view value, BlockHandle* handle) const {
  if (!handle->DecodeFrom(&value) || !value.empty()) {
    return CorruptionAt(file_name_, index_offset_, "malformed block handle in index");
  }
  return Status::OK();
}

Status Table::ReadDataBlock(const BlockHandle& handle, bool fill_cache, BlockRef* out) const {
  if (cache_ != nullptr) {
    BlockCache::Handle* h = cache_->Lookup(cache_id_, handle.offset);
    if (h != nullptr) {
      *out = BlockRef(cache_, h);
      return Status::OK();
    }
  }
  ASSIGN_OR_RETURN(std::string contents, ReadBlock(*file_, file_name_, data_limit_, handle));
  ASSIGN_OR_RETURN(std::unique_ptr<Block> block,
                   Block::Create(std::move(contents), file_name_, handle.offset));
  if (cache_ == nullptr || !fill_cache) {
    *out = BlockRef(std::move(block));
    return Status::OK();
  }
  size_t charge = block->size() + sizeof(Block);
  *out = BlockRef(cache_, cache_->Insert(cache_id_, handle.offset, std::move(block), charge));
  return Status::OK();
}

Status Table::Get(std::string_view key, std::string* value) const {
  if (!filter_.KeyMayMatch(key)) {
    return Status::NotFound("");
  }
  std::unique_ptr<Iterator> index_iter = index_block_->NewIterator(file_name_);
  index_iter->Seek(key);
  if (!index_iter->Valid()) {
    RETURN_IF_ERROR(index_iter->status());
    return Status::NotFound("");
  }
  BlockHandle handle;
  RETURN_IF_ERROR(DecodeIndexValue(index_iter->value(), &handle));
  BlockRef block;
  RETURN_IF_ERROR(ReadDataBlock(handle, /*fill_cache=*/true, &block));
  std::unique_ptr<Iterator> it = block.get()->NewIterator(file_name_);
  it->Seek(key);
  if (it->Valid() && it->key() == key) {
    value->assign(it->value());
    return Status::OK();
  }
  RETURN_IF_ERROR(it->status());
  return Status::NotFound("");
}

Status Table::AppendBlockSizes(std::string_view begin, std::string_view end,
                               std::vector<std::pair<std::string, uint64_t>>* out) const {
  std::unique_ptr<Iterator> it = index_block_->NewIterator(file_name_);
  // The first block whose index key is >= begin is the first that may hold keys >= begin; the
  // first whose index key is >= end is the last that may hold keys < end.
  for (it->Seek(begin); it->Valid(); it->Next()) {
    BlockHandle handle;
    RETURN_IF_ERROR(DecodeIndexValue(it->value(), &handle));
    out->emplace_back(std::string(it->key()), handle.size);
    if (it->key() >= end) break;
  }
  return it->status();
}

std::unique_ptr<Iterator> Table::NewIterator(bool fill_cache) const {
  return std::make_unique<TwoLevelIterator>(this, fill_cache);
}

size_t Table::MemoryUsage() const {
  return sizeof(Table) + index_block_->size() + filter_data_.size() + props_.smallest.size() +
         props_.largest.size() + file_name_.size();
}

}  // namespace blockdb
