#include "engine/internal/table_cache.h"

namespace blockdb {

TableCache::TableCache(Env* env, std::string dir, const TableOptions& options,
                       BlockCache* block_cache, size_t capacity_bytes)
    : env_(env),
      dir_(std::move(dir)),
      options_(options),
      block_cache_(block_cache),
      capacity_(capacity_bytes) {}

Result<std::shared_ptr<Table>> TableCache::Find(const FileMetaData& file) {
  {
    MutexLock lock(&mu_);
    auto it = index_.find(file.number);
    if (it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      return it->second->table;
    }
  }
  // Opened without the lock so that one slow open does not stall every reader; a concurrent
  // open of the same file is possible and harmless (the first one inserted wins).
  ASSIGN_OR_RETURN(std::shared_ptr<Table> table, Open(file));
  MutexLock lock(&mu_);
  auto it = index_.find(file.number);
  if (it != index_.end()) {
    return it->second->table;
  }
  size_t charge = table->MemoryUsage() + sizeof(Entry);
  lru_.push_front(Entry{file.number, table, charge});
  index_[file.number] = lru_.begin();
  usage_ += charge;
  EvictOverCapacity();
  return table;
}

Result<std::shared_ptr<Table>> TableCache::Open(const FileMetaData& file) {
  std::string name = TableFileName(file.number);
  ASSIGN_OR_RETURN(auto reader, env_->NewRandomAccessFile(JoinPath(dir_, name)));
  ASSIGN_OR_RETURN(
      std::unique_ptr<Table> table,
      Table::Open(options_, std::move(reader), file.file_size, name, file.number, block_cache_));
  return std::shared_ptr<Table>(std::move(table));
}

void TableCache::EvictOverCapacity() {
  // The most recent entry always stays, even if alone it exceeds the capacity.
  while (usage_ > capacity_ && lru_.size() > 1) {
    Entry& victim = lru_.back();
    usage_ -= victim.charge;
    index_.erase(victim.number);
    lru_.pop_back();
  }
}

void TableCache::Evict(uint64_t number) {
  MutexLock lock(&mu_);
  auto it = index_.find(number);
  if (it == index_.end()) {
    return;
  }
  usage_ -= it->second->charge;
  lru_.erase(it->second);
  index_.erase(it);
}

size_t TableCache::Usage() const {
  MutexLock lock(&mu_);
  return usage_;
}

}  // namespace blockdb
