#include "engine/memtable.h"

#include <cstring>

#include "common/coding.h"
#include "engine/engine_value.h"

namespace blockdb {
namespace {

// Entries were written by Add from in-memory data, so their varints are well formed; the 5-byte
// limit is the maximal varint32 length.
std::string_view ReadLengthPrefixed(const char* p, const char** next) {
  uint32_t len = 0;
  const char* data = DecodeVarint32(p, p + 5, &len);
  BLOCKDB_CHECK(data != nullptr);
  *next = data + len;
  return std::string_view(data, len);
}

// Builds the entry prefix used as a search key (key only, no value).
std::string EncodeLookupKey(std::string_view key) {
  std::string buf;
  PutLengthPrefixed(&buf, key);
  return buf;
}

}  // namespace

std::string_view MemTableEntryKey(const char* entry) {
  const char* next = nullptr;
  return ReadLengthPrefixed(entry, &next);
}

std::string_view MemTableEntryValue(const char* entry) {
  const char* next = nullptr;
  ReadLengthPrefixed(entry, &next);
  return ReadLengthPrefixed(next, &next);
}

int MemTable::KeyComparator::operator()(const char* a, const char* b) const {
  return MemTableEntryKey(a).compare(MemTableEntryKey(b));
}

class MemTable::MemTableIterator : public Iterator {
 public:
  explicit MemTableIterator(const Table* table) : iter_(table) {}

  bool Valid() const override { return iter_.Valid(); }
  void SeekToFirst() override { iter_.SeekToFirst(); }
  void Seek(std::string_view target) override {
    lookup_ = EncodeLookupKey(target);
    iter_.Seek(lookup_.data());
  }
  void Next() override { iter_.Next(); }
  std::string_view key() const override { return MemTableEntryKey(iter_.key()); }
  std::string_view value() const override { return MemTableEntryValue(iter_.key()); }
  Status status() const override { return Status::OK(); }

 private:
  Table::Iterator iter_;
  std::string lookup_;
};

MemTable::MemTable() : table_(KeyComparator(), &arena_) {}

void MemTable::Add(std::string_view key, uint64_t applied_index, std::string_view user_value) {
  scratch_.clear();
  PutLengthPrefixed(&scratch_, key);
  PutVarint32(&scratch_, static_cast<uint32_t>(VarintLength(applied_index) + user_value.size()));
  AppendEngineValue(&scratch_, applied_index, user_value);
  char* buf = arena_.Allocate(scratch_.size());
  std::memcpy(buf, scratch_.data(), scratch_.size());
  table_.Insert(buf);
  num_entries_.fetch_add(1, std::memory_order_release);
}

bool MemTable::Get(std::string_view key, uint64_t* applied_index, std::string* user_value) const {
  std::string lookup = EncodeLookupKey(key);
  Table::Iterator iter(&table_);
  iter.Seek(lookup.data());
  if (!iter.Valid() || MemTableEntryKey(iter.key()) != key) {
    return false;
  }
  std::string_view user;
  BLOCKDB_CHECK(DecodeEngineValue(MemTableEntryValue(iter.key()), applied_index, &user));
  user_value->assign(user);
  return true;
}

bool MemTable::Contains(std::string_view key) const {
  std::string lookup = EncodeLookupKey(key);
  return table_.Contains(lookup.data());
}

std::unique_ptr<Iterator> MemTable::NewIterator() const {
  return std::make_unique<MemTableIterator>(&table_);
}

}  // namespace blockdb
