// MemRecordStore: an in-memory, ordered key/value store that stands in for the engine when the
// ledger is used on its own (tests, tools): it stores the ledger's internal writes and the rows,
// answers RecordLookup calls and gives ordered iterators for the verifier.
//
// Thread safety: Get, Apply, the lookup and iterators may be used from several threads at once
// (an iterator may see records applied after it was created); Put and Erase must not run
// concurrently with an open iterator.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/status.h"
#include "engine/iterator.h"
#include "engine/ledger/records.h"

namespace blockdb::ledger {

class MemRecordStore {
 public:
  // NotFound when absent.
  Status Get(std::string_view key, std::string* value) const;
  // Inserts every record; InvalidArgument (and nothing stored) if any key already exists, which is
  // the engine's rule too: each key is written once.
  Status Apply(const RecordWrites& writes);
  // Unconditional overwrite or removal, for tests that tamper with stored data.
  void Put(std::string key, std::string value);
  void Erase(std::string_view key);

  size_t size() const;
  // A lookup bound to this store; the store must outlive it.
  RecordLookup lookup() const;
  // A source (lookup and iterators) bound to this store; the store must outlive it.
  RecordSource source() const;
  // Ordered iterator over all keys; the store must outlive it, and Put and Erase must not run
  // while it is used.
  std::unique_ptr<Iterator> NewIterator() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string, std::less<>> records_;  // guarded by mu_
};

}  // namespace blockdb::ledger
