#include "engine/ledger/snapshot_source.h"

#include "engine/ledger/records.h"

namespace blockdb {
namespace {

// Steps an iterator takes forward before a Seek is cheaper.
constexpr int kMaxSteps = 8;

// The family whose records the verifier reads in key order: "FF 'L'" for leaf locators,
// "FF 'N' level" for tree nodes (one family per level). Empty for every other key.
std::string_view SequentialFamily(std::string_view key) {
  if (key.size() == 10 && key[0] == ledger::kRecordPrefix && key[1] == ledger::kLeafTag) {
    return key.substr(0, 2);
  }
  if (key.size() == 11 && key[0] == ledger::kRecordPrefix && key[1] == ledger::kNodeTag) {
    return key.substr(0, 3);
  }
  return {};
}

}  // namespace

ledger::RecordSource SnapshotRecordSource::source() {
  ledger::RecordSource source;
  source.get = [this](std::string_view key, std::string* value) { return Get(key, value); };
  source.new_iterator = [this] { return db_->NewIterator(snapshot_); };
  return source;
}

Status SnapshotRecordSource::Get(std::string_view key, std::string* value) {
  const std::string_view family = SequentialFamily(key);
  if (family.empty()) {
    return db_->Get(key, value, snapshot_);
  }
  return CursorGet(ThreadCursors(), family, key, value);
}

SnapshotRecordSource::Cursors* SnapshotRecordSource::ThreadCursors() {
  std::lock_guard<std::mutex> lock(mu_);
  std::unique_ptr<Cursors>& cursors = cursors_[std::this_thread::get_id()];
  if (cursors == nullptr) {
    cursors = std::make_unique<Cursors>();
  }
  return cursors.get();
}

Status SnapshotRecordSource::CursorGet(Cursors* cursors, std::string_view family,
                                       std::string_view key, std::string* value) {
  auto found = cursors->find(family);
  if (found == cursors->end()) {
    found = cursors->emplace(std::string(family), db_->NewIterator(snapshot_)).first;
    found->second->Seek(key);
  }
  Iterator* it = found->second.get();
  if (!it->Valid() || it->key() > key) {
    it->Seek(key);
  } else {
    for (int step = 0; step < kMaxSteps && it->Valid() && it->key() < key; ++step) {
      it->Next();
    }
    if (it->Valid() && it->key() < key) {
      it->Seek(key);
    }
  }
  if (!it->Valid()) {
    RETURN_IF_ERROR(it->status());
    return Status::NotFound("");
  }
  if (it->key() != key) {
    return Status::NotFound("");
  }
  value->assign(it->value());
  return Status::OK();
}

}  // namespace blockdb
