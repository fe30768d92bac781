#include "engine/ledger/snapshot_source.h"

namespace blockdb {

ledger::RecordSource SnapshotRecordSource::source() {
  ledger::RecordSource source;
  source.get = [this](std::string_view key, std::string* value) { return Get(key, value); };
  source.new_iterator = [this] { return db_->NewIterator(snapshot_); };
  return source;
}

Status SnapshotRecordSource::Get(std::string_view key, std::string* value) {
  return db_->Get(key, value, snapshot_);
}

}  // namespace blockdb
