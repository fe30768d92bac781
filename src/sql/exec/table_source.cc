// Table access: full scans, primary-key point lookups and ranges, and secondary index scans,
// all pulled row by row from an engine iterator at the statement's snapshot.
#include <algorithm>

#include "engine/iterator.h"
#include "sql/exec/sources.h"
#include "sql/storage/table_codec.h"
#include "sql/storage/table_reader.h"
#include "sql/types/cast.h"
#include "sql/types/compare.h"

namespace blockdb::sql::exec {
namespace {

// The value of a key bound expression converted to the key column's type, or nullopt when it
// does not convert exactly (1.5 against an integer key): the scan then reads everything and the
// filter decides, which is always correct.
Result<std::optional<Value>> ExactKeyValue(const BoundExpr& e, const Type& column,
                                           const EvalContext& ctx) {
  static const Row kEmpty;
  ASSIGN_OR_RETURN(Value v, Eval(e, kEmpty, ctx));
  if (v.is_null()) {
    return std::optional<Value>(Value::Null(column.id()));
  }
  if (v.type() == column.id()) {
    return std::optional<Value>(std::move(v));
  }
  Result<Value> cast = CastValue(v, Type::Of(column.id()), CastContext::kExplicit);
  if (!cast.ok()) {
    return std::optional<Value>();
  }
  Result<std::optional<int>> same = CompareValues(v, *cast);
  if (!same.ok() || !*same || **same != 0) {
    return std::optional<Value>();
  }
  return std::optional<Value>(std::move(cast).value());
}

// One piece [begin, end) of a table scan split for parallel reading (TableSource::
// SplitForParallel): its own engine iterator at the scan's snapshot, the scan's decoder (Decode
// is const) and filter (ParallelSafe). Rows come in key order within the piece.
class ScanPiece : public RowSource {
 public:
  ScanPiece(DB* db, uint64_t snapshot, std::string begin, std::string end, size_t prefix_size,
            const TableRowDecoder* decoder, const BoundExpr* filter, const EvalContext* ctx)
      : db_(db),
        snapshot_(snapshot),
        begin_(std::move(begin)),
        end_(std::move(end)),
        prefix_size_(prefix_size),
        decoder_(decoder),
        filter_(filter),
        ctx_(ctx) {}

  Result<bool> Next(Row* row) override {
    if (it_ == nullptr) {
      it_ = db_->NewIterator(snapshot_);
      it_->Seek(begin_);
    }
    for (; it_->Valid() && it_->key() < end_;) {
      RETURN_IF_ERROR(decoder_->Decode(it_->key().substr(prefix_size_), it_->value(), row));
      it_->Next();
      if (filter_ == nullptr) return true;
      ASSIGN_OR_RETURN(bool keep, EvalCondition(*filter_, *row, *ctx_));
      if (keep) return true;
    }
    RETURN_IF_ERROR(it_->status());
    return false;
  }
  void Explain(int indent, std::vector<std::string>* lines) const override {}
  void Rewind() override { it_.reset(); }

 private:
  DB* const db_;
  const uint64_t snapshot_;
  const std::string begin_;
  const std::string end_;
  const size_t prefix_size_;
  const TableRowDecoder* const decoder_;
  const BoundExpr* const filter_;
  const EvalContext* const ctx_;
  std::unique_ptr<Iterator> it_;
};

class TableSource : public RowSource {
 public:
  TableSource(DB* db, std::shared_ptr<const TableDef> table, std::optional<uint64_t> as_of,
              AccessPath path, BoundExprPtr filter, const EvalContext* ctx,
              const ExecControl* control, const std::vector<Row>* pending,
              std::shared_ptr<const std::vector<bool>> needed, const ReadLocks* locks)
      : locks_(locks),
        pending_rows_(pending),
        needed_(std::move(needed)),
        db_(db),
        table_(std::move(table)),
        as_of_(as_of),
        path_(std::move(path)),
        filter_(std::move(filter)),
        ctx_(ctx),
        control_(control),
        prefix_(RelationKeyPrefix(table_->id)),
        prefix_size_(prefix_.size()),
        decoder_(*table_),
        parts_(path_.kind == AccessPath::Kind::kIndexScan ? path_.index->columns
                                                          : RowKeyParts(*table_)) {}

  Result<bool> Next(Row* row) override {
    if (!opened_) {
      RETURN_IF_ERROR(Open());
    }
    while (true) {
      if (++rows_seen_ % 256 == 0) {
        RETURN_IF_ERROR(control_->Check());
      }
      ASSIGN_OR_RETURN(bool more, NextUnfiltered(row));
      if (!more) return false;
      if (filter_ == nullptr) return true;
      ASSIGN_OR_RETURN(bool keep, EvalCondition(*filter_, *row, *ctx_));
      if (keep) return true;
    }
  }

  // Opens the scan, then cuts its range where the engine estimates equal shares of its data.
  // Not for point lookups and index scans (each row is a second read), scans merging a
  // transaction's own rows in key order, filters that are not ParallelSafe, or ranges smaller
  // than control->parallel_min_bytes.
  Result<std::vector<RowSourcePtr>> SplitForParallel(int parts) override {
    std::vector<RowSourcePtr> pieces;
    if (path_.kind == AccessPath::Kind::kIndexScan ||
        path_.kind == AccessPath::Kind::kPointLookup ||
        path_.kind == AccessPath::Kind::kPointList ||
        (filter_ != nullptr && !ParallelSafe(*filter_))) {
      return pieces;
    }
    if (!opened_) RETURN_IF_ERROR(Open());
    if (done_ || point_ || it_ == nullptr || !pending_.empty()) return pieces;
    ASSIGN_OR_RETURN(std::vector<std::string> cuts,
                     db_->ApproximateSplitKeys(begin_, end_, parts, control_->parallel_min_bytes));
    if (cuts.empty()) return pieces;
    std::string from = begin_;
    cuts.push_back(end_);
    for (std::string& to : cuts) {
      pieces.push_back(std::make_unique<ScanPiece>(db_, snapshot_, std::move(from), to,
                                                   prefix_size_, &decoder_, filter_.get(), ctx_));
      from = std::move(to);
    }
    return pieces;
  }

  void Rewind() override {
    point_list_ = false;
    point_keys_.clear();
    point_next_ = 0;
    opened_ = false;
    done_ = false;
    point_ = false;
    it_.reset();
    pending_.clear();
    pending_next_ = 0;
  }

  void Explain(int indent, std::vector<std::string>* lines) const override {
    std::string pad(static_cast<size_t>(indent), ' ');
    std::string line;
    switch (path_.kind) {
      case AccessPath::Kind::kFullScan:
        line = "Seq Scan on " + table_->name;
        break;
      case AccessPath::Kind::kPointLookup:
        line = "Point Lookup on " + table_->name + " using " + table_->name + "_pkey";
        break;
      case AccessPath::Kind::kPointList:
        line = "Point Lookups on " + table_->name + " using " + table_->name + "_pkey (" +
               std::to_string(path_.in_list.size()) + " values)";
        break;
      case AccessPath::Kind::kKeyRange:
        line = "Primary Key Range Scan on " + table_->name + " using " + table_->name + "_pkey";
        break;
      case AccessPath::Kind::kIndexScan:
        line = "Index Scan on " + table_->name + " using " + path_.index->name;
        break;
    }
    lines->push_back(pad + line);
    if (filter_ != nullptr) {
      lines->push_back(pad + "  Filter: (pushed into the scan)");
    }
  }

 private:
  // Turns the key conditions into bounds; false when no row can match (an equality with NULL).
  Result<bool> ComputeBounds(const std::vector<KeyPart>& parts, KeyBound* lower, KeyBound* upper) {
    for (size_t i = 0; i < path_.key.size(); ++i) {
      const KeyCondition& k = path_.key[i];
      Type type = KeyPartType(*table_, parts[i]);
      if (k.equality) {
        ASSIGN_OR_RETURN(std::optional<Value> v, ExactKeyValue(*k.lower, type, *ctx_));
        if (!v) return true;  // not exact: keep the bounds so far
        if (v->is_null()) return false;
        lower->values.push_back(*v);
        upper->values.push_back(std::move(*v));
        continue;
      }
      std::optional<Value> lo, hi;
      if (k.lower) {
        ASSIGN_OR_RETURN(lo, ExactKeyValue(*k.lower, type, *ctx_));
        if (lo && lo->is_null()) return false;
      }
      if (k.upper) {
        ASSIGN_OR_RETURN(hi, ExactKeyValue(*k.upper, type, *ctx_));
        if (hi && hi->is_null()) return false;
      }
      bool lo_inc = k.lower_inclusive, hi_inc = k.upper_inclusive;
      if (parts[i].descending) {  // key order is the reverse of value order
        std::swap(lo, hi);
        std::swap(lo_inc, hi_inc);
      }
      if (lo) {
        lower->values.push_back(std::move(*lo));
        lower->inclusive = lo_inc;
      }
      if (hi) {
        upper->values.push_back(std::move(*hi));
        upper->inclusive = hi_inc;
      }
      break;
    }
    return true;
  }

  Status Open() {
    opened_ = true;
    snapshot_ = as_of_.value_or(control_->snapshot);
    if (needed_ != nullptr && needed_->size() == table_->columns.size()) {
      decoder_.SetNeededColumns(*needed_);
    }
    if (path_.kind == AccessPath::Kind::kPointList) return OpenPointList();
    KeyBound lower, upper;
    const std::vector<KeyPart>& parts = parts_;
    ASSIGN_OR_RETURN(bool any, ComputeBounds(parts, &lower, &upper));
    if (!any) {
      done_ = true;
      return Status::OK();
    }
    if (path_.kind == AccessPath::Kind::kPointLookup && lower.values.size() == parts.size()) {
      point_ = true;
      std::string pk;
      RETURN_IF_ERROR(AppendKeyValues(*table_, parts, lower.values, &pk));
      point_key_ = std::move(pk);
      point_row_key_ = prefix_ + point_key_;
      if (locks_ != nullptr || pending_rows_ != nullptr) {
        std::string end = point_row_key_ + '\0';
        RETURN_IF_ERROR(LockRange(point_row_key_, end));
        CollectPending(point_row_key_, end);
      }
      return Status::OK();
    }
    TableReader reader(db_, table_, snapshot_);
    Result<std::pair<std::string, std::string>> range =
        path_.kind == AccessPath::Kind::kIndexScan
            ? reader.IndexKeyRange(*path_.index, lower, upper)
            : reader.PrimaryKeyRange(lower, upper);
    RETURN_IF_ERROR(range.status());
    RETURN_IF_ERROR(LockRange(range->first, range->second));
    CollectPending(range->first, range->second);
    begin_ = range->first;
    end_ = std::move(range->second);
    it_ = db_->NewIterator(snapshot_);
    it_->Seek(range->first);
    return Status::OK();
  }

  // kPointList: the row keys of the listed values, sorted and without repeats (a scan's key
  // order), each locked and with the transaction's own rows collected. A value that does not
  // convert exactly to the key's type, or is NULL, can equal no key and is left out.
  Status OpenPointList() {
    point_list_ = true;
    const Type type = KeyPartType(*table_, parts_[0]);
    std::vector<std::string> keys;
    for (const BoundExprPtr& e : path_.in_list) {
      ASSIGN_OR_RETURN(std::optional<Value> v, ExactKeyValue(*e, type, *ctx_));
      if (!v || v->is_null()) continue;
      std::string row_key = prefix_;
      RETURN_IF_ERROR(AppendKeyValues(*table_, parts_, std::span<const Value>(&*v, 1), &row_key));
      keys.push_back(std::move(row_key));
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (const std::string& row_key : keys) {
      if (locks_ != nullptr || pending_rows_ != nullptr) {
        std::string end = row_key + '\0';
        RETURN_IF_ERROR(LockRange(row_key, end));
        CollectPending(row_key, end);
      }
    }
    point_keys_ = std::move(keys);
    return Status::OK();
  }

  // kPointList: the next listed key's row, from the transaction's own rows or the engine.
  Result<bool> NextPoint(Row* row) {
    while (point_next_ < point_keys_.size()) {
      const std::string& row_key = point_keys_[point_next_++];
      if (pending_next_ < pending_.size() && pending_[pending_next_].first == row_key) {
        return TakePending(row);
      }
      Status s = db_->Get(row_key, &point_value_, snapshot_);
      if (s.IsNotFound()) continue;
      RETURN_IF_ERROR(s);
      RETURN_IF_ERROR(
          decoder_.Decode(std::string_view(row_key).substr(prefix_size_), point_value_, row));
      return true;
    }
    done_ = true;
    return false;
  }

  // Locks [begin, end) shared for the transaction, before anything in it is read (rows the
  // transaction itself queued need no lock: nobody else sees them).
  Status LockRange(const std::string& begin, const std::string& end) {
    if (locks_ == nullptr || !(begin < end)) return Status::OK();
    return locks_->manager->Lock(locks_->txn, begin, end, txn::LockMode::kShared, locks_->wait);
  }

  // The transaction's own rows whose scan key (row key, or index entry key for an index scan)
  // lies in [begin, end), sorted by that key.
  void CollectPending(const std::string& begin, const std::string& end) {
    if (pending_rows_ == nullptr) return;
    const std::string& prefix = prefix_;
    // Hidden row ids of rows not yet written sort after every stored one.
    uint64_t next_hidden = (uint64_t{1} << 62);
    for (const Row& row : *pending_rows_) {
      std::string pk = PrimaryKeyBytes(*table_, row, next_hidden++);
      std::string key = path_.kind == AccessPath::Kind::kIndexScan
                            ? EncodeIndexEntry(*path_.index, *table_, row, pk).key
                            : prefix + pk;
      if (key >= begin && key < end) pending_.emplace_back(std::move(key), row);
    }
    std::sort(pending_.begin(), pending_.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
  }

  bool TakePending(Row* row) {
    *row = std::move(pending_[pending_next_++].second);
    return true;
  }

  Result<bool> NextUnfiltered(Row* row) {
    if (done_) return false;
    if (point_list_) return NextPoint(row);
    if (point_) {
      done_ = true;
      if (!pending_.empty()) return TakePending(row);
      Status s = db_->Get(point_row_key_, &point_value_, snapshot_);
      if (s.IsNotFound()) return false;
      RETURN_IF_ERROR(s);
      RETURN_IF_ERROR(decoder_.Decode(point_key_, point_value_, row));
      return true;
    }
    bool stored = it_->Valid() && it_->key() < end_;
    if (pending_next_ < pending_.size() &&
        (!stored || std::string_view(pending_[pending_next_].first) < it_->key())) {
      return TakePending(row);
    }
    if (!stored) {
      done_ = true;
      RETURN_IF_ERROR(it_->status());
      return false;
    }
    if (path_.kind == AccessPath::Kind::kIndexScan) {
      ASSIGN_OR_RETURN(std::string pk,
                       IndexEntryPrimaryKey(*path_.index, *table_, it_->key(), it_->value()));
      it_->Next();
      std::string value;
      Status s = db_->Get(prefix_ + pk, &value, snapshot_);
      if (s.IsNotFound()) {
        return Status::Corruption("entry of index " + path_.index->name + " points at no row");
      }
      RETURN_IF_ERROR(s);
      RETURN_IF_ERROR(decoder_.Decode(pk, value, row));
      return true;
    }
    RETURN_IF_ERROR(decoder_.Decode(it_->key().substr(prefix_size_), it_->value(), row));
    it_->Next();
    return true;
  }

  const ReadLocks* locks_;
  const std::vector<Row>* pending_rows_;
  std::shared_ptr<const std::vector<bool>> needed_;
  std::vector<std::pair<std::string, Row>> pending_;  // in scan-key order
  size_t pending_next_ = 0;
  DB* db_;
  std::shared_ptr<const TableDef> table_;
  std::optional<uint64_t> as_of_;
  uint64_t snapshot_ = kLatestSnapshot;  // set by Open
  AccessPath path_;
  BoundExprPtr filter_;
  const EvalContext* ctx_;
  const ExecControl* control_;
  const std::string prefix_;  // RelationKeyPrefix(table id): the table's rows' keys begin so
  size_t prefix_size_;
  TableRowDecoder decoder_;
  const std::vector<KeyPart> parts_;  // the columns of the key the scan reads
  bool opened_ = false;
  bool done_ = false;
  bool point_ = false;
  std::string point_key_;      // the primary key's bytes (kPointLookup)
  std::string point_row_key_;  // prefix_ + point_key_
  std::string point_value_;    // the row read, kept to reuse its buffer when run again
  bool point_list_ = false;    // kPointList, opened
  std::vector<std::string> point_keys_;  // kPointList: row keys (prefix_ + primary key), sorted
  size_t point_next_ = 0;
  std::unique_ptr<Iterator> it_;
  std::string begin_;
  std::string end_;
  uint64_t rows_seen_ = 0;
};

}  // namespace

bool ParallelSafe(const BoundExpr& e) {
  switch (e.kind) {
    case BoundKind::kFunction:
    case BoundKind::kOuterColumn:
    case BoundKind::kSubquery:
      return false;
    default:
      break;
  }
  for (const BoundExprPtr& a : e.args) {
    if (a != nullptr && !ParallelSafe(*a)) return false;
  }
  return true;
}

RowSourcePtr MakeTableSource(DB* db, std::shared_ptr<const TableDef> table,
                             std::optional<uint64_t> as_of, AccessPath path, BoundExprPtr filter,
                             const EvalContext* ctx, const ExecControl* control,
                             const std::vector<Row>* pending,
                             std::shared_ptr<const std::vector<bool>> needed_columns,
                             const ReadLocks* locks) {
  return std::make_unique<TableSource>(db, std::move(table), as_of, std::move(path),
                                       std::move(filter), ctx, control, pending,
                                       std::move(needed_columns), locks);
}

}  // namespace blockdb::sql::exec
