#include "engine/ledger/snapshot_source.h"

namespace blockdb {

ledger::RecordSource SnapshotRecordSource::source() {
  ledger::RecordSource source;
  source.get = [this](std::string_view key, std::string* value) { return Get(key, value); };
  source.new_iterator = [this] {
    IteratorOptions options;
    options.fill_cache = fill_cache_;
    return db_->NewIterator(snapshot_, options);
  };
  return source;
}

Status SnapshotRecordSource::Get(std::string_view key, std::string* value) {
  return db_->Get(key, value, snapshot_);
}

}  // namespace blockdb
