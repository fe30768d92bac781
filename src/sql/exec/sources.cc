#include "sql/exec/sources.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "sql/types/compare.h"

namespace blockdb::sql::exec {
namespace {

constexpr char kSqlStateQueryCanceled[] = "57014";
constexpr char kSqlStateOutOfMemory[] = "53200";

Status OutOfWorkMem(std::string_view what, uint64_t work_mem) {
  return Status::Busy(std::string(what) + " needs more than work_mem (" +
                      std::to_string(work_mem / 1024) + " kB); raise work_mem or narrow the query")
      .WithSqlState(kSqlStateOutOfMemory);
}

std::string Pad(int indent) { return std::string(static_cast<size_t>(indent), ' '); }

class RowsSource : public RowSource {
 public:
  RowsSource(std::vector<Row> rows, std::string label)
      : rows_(std::move(rows)), label_(std::move(label)) {}
  Result<bool> Next(Row* row) override {
    if (next_ >= rows_.size()) return false;
    *row = rows_[next_++];
    return true;
  }
  void Explain(int indent, std::vector<std::string>* lines) const override {
    lines->push_back(Pad(indent) + label_);
  }
  void Rewind() override { next_ = 0; }

 private:
  std::vector<Row> rows_;
  std::string label_;
  size_t next_ = 0;
};

class ValuesSource : public RowSource {
 public:
  ValuesSource(std::vector<std::vector<BoundExprPtr>> rows, const EvalContext* ctx)
      : rows_(std::move(rows)), ctx_(ctx) {}
  Result<bool> Next(Row* row) override {
    if (next_ >= rows_.size()) return false;
    row->clear();
    static const Row kEmpty;
    for (const BoundExprPtr& e : rows_[next_]) {
      ASSIGN_OR_RETURN(Value v, Eval(*e, kEmpty, *ctx_));
      row->push_back(std::move(v));
    }
    ++next_;
    return true;
  }
  void Explain(int indent, std::vector<std::string>* lines) const override {
    lines->push_back(Pad(indent) + "Values Scan (" + std::to_string(rows_.size()) + " rows)");
  }
  void Rewind() override { next_ = 0; }

 private:
  std::vector<std::vector<BoundExprPtr>> rows_;
  const EvalContext* ctx_;
  size_t next_ = 0;
};

class FilterSource : public RowSource {
 public:
  FilterSource(RowSourcePtr child, BoundExprPtr cond, const EvalContext* ctx)
      : child_(std::move(child)), cond_(std::move(cond)), ctx_(ctx) {}
  Result<bool> Next(Row* row) override {
    while (true) {
      ASSIGN_OR_RETURN(bool more, child_->Next(row));
      if (!more) return false;
      ASSIGN_OR_RETURN(bool keep, EvalCondition(*cond_, *row, *ctx_));
      if (keep) return true;
    }
  }
  void Explain(int indent, std::vector<std::string>* lines) const override {
    lines->push_back(Pad(indent) + "Filter");
    child_->Explain(indent + 2, lines);
  }
  void Rewind() override { child_->Rewind(); }

 private:
  RowSourcePtr child_;
  BoundExprPtr cond_;
  const EvalContext* ctx_;
};

class ProjectSource : public RowSource {
 public:
  ProjectSource(RowSourcePtr child, std::vector<BoundExprPtr> exprs, const EvalContext* ctx)
      : child_(std::move(child)), exprs_(std::move(exprs)), ctx_(ctx) {}
  Result<bool> Next(Row* row) override {
    ASSIGN_OR_RETURN(bool more, child_->Next(&input_));
    if (!more) return false;
    row->clear();
    for (const BoundExprPtr& e : exprs_) {
      ASSIGN_OR_RETURN(Value v, Eval(*e, input_, *ctx_));
      row->push_back(std::move(v));
    }
    return true;
  }
  void Explain(int indent, std::vector<std::string>* lines) const override {
    child_->Explain(indent, lines);
  }
  void Rewind() override { child_->Rewind(); }

 private:
  RowSourcePtr child_;
  std::vector<BoundExprPtr> exprs_;
  const EvalContext* ctx_;
  Row input_;
};

class TruncateSource : public RowSource {
 public:
  TruncateSource(RowSourcePtr child, size_t n) : child_(std::move(child)), n_(n) {}
  Result<bool> Next(Row* row) override {
    ASSIGN_OR_RETURN(bool more, child_->Next(row));
    if (more && row->size() > n_) row->resize(n_);
    return more;
  }
  void Explain(int indent, std::vector<std::string>* lines) const override {
    child_->Explain(indent, lines);
  }
  void Rewind() override { child_->Rewind(); }

 private:
  RowSourcePtr child_;
  size_t n_;
};

class SortSource : public RowSource {
 public:
  SortSource(RowSourcePtr child, std::vector<SortKey> keys, const ExecControl* control,
             std::optional<uint64_t> top)
      : child_(std::move(child)), keys_(std::move(keys)), control_(control), top_(top) {}
  Result<bool> Next(Row* row) override {
    if (!sorted_) {
      RETURN_IF_ERROR(top_ ? FillTop() : Fill());
    }
    if (next_ >= rows_.size()) return false;
    *row = std::move(rows_[next_++]);
    return true;
  }
  void Explain(int indent, std::vector<std::string>* lines) const override {
    lines->push_back(Pad(indent) +
                     (top_ ? "Top-N Sort (" + std::to_string(*top_) + " rows)" : "Sort"));
    child_->Explain(indent + 2, lines);
  }
  void Rewind() override {
    child_->Rewind();
    rows_.clear();
    sorted_ = false;
    next_ = 0;
  }

 private:
  // -1, 0 or 1: the order of ORDER BY (NULL larger than everything; NULLS FIRST puts it first).
  int Compare(const Row& a, const Row& b) const {
    for (const SortKey& k : keys_) {
      const Value& x = a[k.column];
      const Value& y = b[k.column];
      if (x.is_null() || y.is_null()) {
        if (x.is_null() && y.is_null()) continue;
        return x.is_null() == k.nulls_first ? -1 : 1;
      }
      int c = CompareForSort(x, y);
      if (c != 0) return k.descending ? -c : c;
    }
    return 0;
  }

  Status Fill() {
    RETURN_IF_ERROR(ReadAllRows(*child_, *control_, "ORDER BY", &rows_));
    std::stable_sort(rows_.begin(), rows_.end(),
                     [this](const Row& a, const Row& b) { return Compare(a, b) < 0; });
    sorted_ = true;
    return Status::OK();
  }

  // ORDER BY ... LIMIT: a max-heap of the first *top_ rows so far, ties broken by arrival, so
  // the rows and their order are those of a full stable sort cut after *top_ rows.
  Status FillTop() {
    std::vector<std::pair<Row, uint64_t>> heap;  // (row, arrival)
    auto before = [this](const std::pair<Row, uint64_t>& a, const std::pair<Row, uint64_t>& b) {
      int c = Compare(a.first, b.first);
      return c != 0 ? c < 0 : a.second < b.second;
    };
    std::pair<Row, uint64_t> in;
    size_t bytes = 0;
    for (uint64_t n = 0; *top_ > 0; ++n) {
      ASSIGN_OR_RETURN(bool more, child_->Next(&in.first));
      if (!more) break;
      if ((n & 1023) == 1023) RETURN_IF_ERROR(control_->Check());
      in.second = n;
      if (heap.size() < *top_) {
        bytes += RowBytes(in.first);
        if (bytes > control_->work_mem) return OutOfWorkMem("ORDER BY", control_->work_mem);
        heap.push_back(std::move(in));
        std::push_heap(heap.begin(), heap.end(), before);
      } else if (before(in, heap.front())) {
        std::pop_heap(heap.begin(), heap.end(), before);
        std::swap(heap.back(), in);
        std::push_heap(heap.begin(), heap.end(), before);
      }
    }
    std::sort_heap(heap.begin(), heap.end(), before);
    rows_.reserve(heap.size());
    for (auto& [r, arrival] : heap) rows_.push_back(std::move(r));
    sorted_ = true;
    return Status::OK();
  }

  RowSourcePtr child_;
  std::vector<SortKey> keys_;
  const ExecControl* control_;
  std::optional<uint64_t> top_;
  std::vector<Row> rows_;
  bool sorted_ = false;
  size_t next_ = 0;
};

// Hash and equality of the first `n` values of rows, as GROUP BY and DISTINCT compare them
// (NULLs equal each other).
class DistinctSource : public RowSource {
 public:
  DistinctSource(RowSourcePtr child, size_t columns, const ExecControl* control)
      : child_(std::move(child)),
        control_(control),
        seen_(16, RowPrefixHash{columns}, RowPrefixEq{columns}) {}
  Result<bool> Next(Row* row) override {
    while (true) {
      ASSIGN_OR_RETURN(bool more, child_->Next(row));
      if (!more) return false;
      if (seen_.count(*row) > 0) continue;
      bytes_ += RowBytes(*row);
      if (bytes_ > control_->work_mem) return OutOfWorkMem("DISTINCT", control_->work_mem);
      seen_.insert(*row);
      return true;
    }
  }
  void Explain(int indent, std::vector<std::string>* lines) const override {
    lines->push_back(Pad(indent) + "HashAggregate (DISTINCT)");
    child_->Explain(indent + 2, lines);
  }
  void Rewind() override {
    child_->Rewind();
    seen_.clear();
    bytes_ = 0;
  }

 private:
  RowSourcePtr child_;
  const ExecControl* control_;
  std::unordered_set<Row, RowPrefixHash, RowPrefixEq> seen_;
  size_t bytes_ = 0;
};

class DistinctOnSource : public RowSource {
 public:
  DistinctOnSource(RowSourcePtr child, std::vector<int> columns)
      : child_(std::move(child)), columns_(std::move(columns)) {}
  Result<bool> Next(Row* row) override {
    while (true) {
      ASSIGN_OR_RETURN(bool more, child_->Next(row));
      if (!more) return false;
      if (have_last_ && SameKey(*row)) continue;
      last_.clear();
      for (int c : columns_) last_.push_back((*row)[static_cast<size_t>(c)]);
      have_last_ = true;
      return true;
    }
  }
  void Explain(int indent, std::vector<std::string>* lines) const override {
    lines->push_back(Pad(indent) + "Unique (DISTINCT ON)");
    child_->Explain(indent + 2, lines);
  }
  void Rewind() override {
    child_->Rewind();
    have_last_ = false;
    last_.clear();
  }

 private:
  bool SameKey(const Row& row) const {
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (CompareForSort(row[static_cast<size_t>(columns_[i])], last_[i]) != 0) return false;
    }
    return true;
  }

  RowSourcePtr child_;
  std::vector<int> columns_;
  Row last_;
  bool have_last_ = false;
};

class LimitSource : public RowSource {
 public:
  LimitSource(RowSourcePtr child, std::optional<uint64_t> limit, uint64_t offset)
      : child_(std::move(child)), limit_(limit), offset_(offset) {}
  Result<bool> Next(Row* row) override {
    while (skipped_ < offset_) {
      ASSIGN_OR_RETURN(bool more, child_->Next(row));
      if (!more) return false;
      ++skipped_;
    }
    if (limit_ && returned_ >= *limit_) return false;
    ASSIGN_OR_RETURN(bool more, child_->Next(row));
    if (more) ++returned_;
    return more;
  }
  void Explain(int indent, std::vector<std::string>* lines) const override {
    lines->push_back(Pad(indent) + "Limit");
    child_->Explain(indent + 2, lines);
  }
  void Rewind() override {
    child_->Rewind();
    skipped_ = 0;
    returned_ = 0;
  }

 private:
  RowSourcePtr child_;
  std::optional<uint64_t> limit_;
  uint64_t offset_;
  uint64_t skipped_ = 0;
  uint64_t returned_ = 0;
};

class NestedLoopJoin : public RowSource {
 public:
  NestedLoopJoin(RowSourcePtr left, RowSourcePtr right, size_t left_width, size_t right_width,
                 JoinKind kind, BoundExprPtr on, const EvalContext* ctx, const ExecControl* control)
      : left_(std::move(left)),
        right_(std::move(right)),
        left_width_(left_width),
        right_width_(right_width),
        kind_(kind),
        on_(std::move(on)),
        ctx_(ctx),
        control_(control) {}

  Result<bool> Next(Row* row) override {
    if (!loaded_) RETURN_IF_ERROR(Load());
    while (!left_done_) {
      if (!have_left_) {
        ASSIGN_OR_RETURN(bool more, left_->Next(&left_row_));
        if (!more) {
          left_done_ = true;
          break;
        }
        have_left_ = true;
        matched_ = false;
        pos_ = 0;
      }
      while (pos_ < right_rows_.size()) {
        size_t r = pos_++;
        *row = left_row_;
        row->insert(row->end(), right_rows_[r].begin(), right_rows_[r].end());
        bool keep = true;
        if (on_) {
          ASSIGN_OR_RETURN(keep, EvalCondition(*on_, *row, *ctx_));
        }
        if (keep) {
          matched_ = true;
          right_matched_[r] = true;
          return true;
        }
      }
      have_left_ = false;
      if ((kind_ == JoinKind::kLeft || kind_ == JoinKind::kFull) && !matched_) {
        *row = left_row_;
        row->resize(left_width_ + right_width_);
        return true;
      }
    }
    // RIGHT and FULL joins: the right rows no left row matched, with NULLs on the left.
    if (kind_ == JoinKind::kRight || kind_ == JoinKind::kFull) {
      while (unmatched_pos_ < right_rows_.size()) {
        size_t r = unmatched_pos_++;
        if (right_matched_[r]) continue;
        row->assign(left_width_, Value());
        row->insert(row->end(), right_rows_[r].begin(), right_rows_[r].end());
        return true;
      }
    }
    return false;
  }
  void Explain(int indent, std::vector<std::string>* lines) const override {
    const char* name = kind_ == JoinKind::kLeft    ? "Nested Loop Left Join"
                       : kind_ == JoinKind::kRight ? "Nested Loop Right Join"
                       : kind_ == JoinKind::kFull  ? "Nested Loop Full Join"
                                                   : "Nested Loop";
    lines->push_back(Pad(indent) + name);
    left_->Explain(indent + 2, lines);
    right_->Explain(indent + 2, lines);
  }
  void Rewind() override {
    left_->Rewind();
    right_->Rewind();
    right_rows_.clear();
    right_matched_.clear();
    loaded_ = false;
    left_done_ = false;
    have_left_ = false;
    unmatched_pos_ = 0;
  }

 private:
  Status Load() {
    RETURN_IF_ERROR(ReadAllRows(*right_, *control_, "join", &right_rows_));
    right_matched_.assign(right_rows_.size(), false);
    loaded_ = true;
    return Status::OK();
  }

  RowSourcePtr left_;
  RowSourcePtr right_;
  size_t left_width_;
  size_t right_width_;
  JoinKind kind_;
  BoundExprPtr on_;
  const EvalContext* ctx_;
  const ExecControl* control_;
  std::vector<Row> right_rows_;
  std::vector<bool> right_matched_;
  bool loaded_ = false;
  bool left_done_ = false;
  bool have_left_ = false;
  bool matched_ = false;
  size_t pos_ = 0;
  size_t unmatched_pos_ = 0;
  Row left_row_;
};

// INTERSECT and EXCEPT, with or without ALL: the right input is counted into a hash multiset
// (within work_mem), the left input streams through it.
class SetOpSource : public RowSource {
 public:
  SetOpSource(RowSourcePtr left, RowSourcePtr right, size_t width, bool intersect, bool all,
              const ExecControl* control)
      : left_(std::move(left)),
        right_(std::move(right)),
        intersect_(intersect),
        all_(all),
        control_(control),
        counts_(16, RowPrefixHash{width}, RowPrefixEq{width}),
        emitted_(16, RowPrefixHash{width}, RowPrefixEq{width}) {}

  Result<bool> Next(Row* row) override {
    if (!loaded_) {
      Row r;
      size_t bytes = 0;
      while (true) {
        ASSIGN_OR_RETURN(bool more, right_->Next(&r));
        if (!more) break;
        bytes += RowBytes(r);
        if (bytes > control_->work_mem) return OutOfWorkMem("INTERSECT/EXCEPT", control_->work_mem);
        ++counts_[r];
      }
      loaded_ = true;
    }
    while (true) {
      ASSIGN_OR_RETURN(bool more, left_->Next(row));
      if (!more) return false;
      auto it = counts_.find(*row);
      bool in_right = it != counts_.end() && it->second > 0;
      if (all_) {
        // INTERSECT ALL keeps min(m, n) copies, EXCEPT ALL max(m - n, 0).
        if (in_right) --it->second;
        if (in_right == intersect_) return true;
        continue;
      }
      if (in_right != intersect_) continue;
      if (emitted_.insert(*row).second) return true;
    }
  }
  void Explain(int indent, std::vector<std::string>* lines) const override {
    lines->push_back(Pad(indent) + (intersect_ ? "HashSetOp Intersect" : "HashSetOp Except"));
    left_->Explain(indent + 2, lines);
    right_->Explain(indent + 2, lines);
  }
  void Rewind() override {
    left_->Rewind();
    right_->Rewind();
    counts_.clear();
    emitted_.clear();
    loaded_ = false;
  }

 private:
  RowSourcePtr left_;
  RowSourcePtr right_;
  bool intersect_;
  bool all_;
  const ExecControl* control_;
  std::unordered_map<Row, int64_t, RowPrefixHash, RowPrefixEq> counts_;
  std::unordered_set<Row, RowPrefixHash, RowPrefixEq> emitted_;
  bool loaded_ = false;
};

}  // namespace

Status ExecControl::Check() const {
  if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
    return Status::Aborted("canceling statement due to user request")
        .WithSqlState(kSqlStateQueryCanceled);
  }
  if (deadline && std::chrono::steady_clock::now() > *deadline) {
    return Status::Aborted("canceling statement due to statement timeout")
        .WithSqlState(kSqlStateQueryCanceled);
  }
  return Status::OK();
}

Status ReadAllRows(RowSource& source, const ExecControl& control, std::string_view what,
                   std::vector<Row>* rows) {
  Row row;
  size_t bytes = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool more, source.Next(&row));
    if (!more) return Status::OK();
    bytes += RowBytes(row);
    if (bytes > control.work_mem) return OutOfWorkMem(what, control.work_mem);
    rows->push_back(std::move(row));
    if ((rows->size() & 1023) == 0) RETURN_IF_ERROR(control.Check());
  }
}

size_t RowBytes(const Row& row) {
  size_t bytes = sizeof(Row) + row.size() * sizeof(Value);
  for (const Value& v : row) {
    if (!v.is_null() &&
        (v.type() == TypeId::kText || v.type() == TypeId::kVarchar || v.type() == TypeId::kBytea ||
         v.type() == TypeId::kJson || v.type() == TypeId::kJsonb || v.type() == TypeId::kUnknown)) {
      bytes += v.bytes().size();
    }
  }
  return bytes;
}

RowSourcePtr MakeRowsSource(std::vector<Row> rows, std::string label) {
  return std::make_unique<RowsSource>(std::move(rows), std::move(label));
}
RowSourcePtr MakeValuesSource(std::vector<std::vector<BoundExprPtr>> rows, const EvalContext* ctx) {
  return std::make_unique<ValuesSource>(std::move(rows), ctx);
}
RowSourcePtr MakeFilterSource(RowSourcePtr child, BoundExprPtr condition, const EvalContext* ctx) {
  return std::make_unique<FilterSource>(std::move(child), std::move(condition), ctx);
}
RowSourcePtr MakeProjectSource(RowSourcePtr child, std::vector<BoundExprPtr> exprs,
                               const EvalContext* ctx) {
  return std::make_unique<ProjectSource>(std::move(child), std::move(exprs), ctx);
}
RowSourcePtr MakeTruncateSource(RowSourcePtr child, size_t n) {
  return std::make_unique<TruncateSource>(std::move(child), n);
}
RowSourcePtr MakeSortSource(RowSourcePtr child, std::vector<SortKey> keys,
                            const ExecControl* control, std::optional<uint64_t> top) {
  return std::make_unique<SortSource>(std::move(child), std::move(keys), control, top);
}
RowSourcePtr MakeDistinctSource(RowSourcePtr child, size_t columns, const ExecControl* control) {
  return std::make_unique<DistinctSource>(std::move(child), columns, control);
}
RowSourcePtr MakeDistinctOnSource(RowSourcePtr child, std::vector<int> columns) {
  return std::make_unique<DistinctOnSource>(std::move(child), std::move(columns));
}

RowSourcePtr MakeLimitSource(RowSourcePtr child, std::optional<uint64_t> limit, uint64_t offset) {
  return std::make_unique<LimitSource>(std::move(child), limit, offset);
}
RowSourcePtr MakeNestedLoopJoin(RowSourcePtr left, RowSourcePtr right, size_t left_width,
                                size_t right_width, JoinKind kind, BoundExprPtr on,
                                const EvalContext* ctx, const ExecControl* control) {
  return std::make_unique<NestedLoopJoin>(std::move(left), std::move(right), left_width,
                                          right_width, kind, std::move(on), ctx, control);
}
RowSourcePtr MakeSetOpSource(RowSourcePtr left, RowSourcePtr right, size_t width, bool intersect,
                             bool all, const ExecControl* control) {
  return std::make_unique<SetOpSource>(std::move(left), std::move(right), width, intersect, all,
                                       control);
}

}  // namespace blockdb::sql::exec
