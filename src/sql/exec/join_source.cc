// Hash join: the right input is read once into memory (within work_mem) and indexed by its key
// columns; each left row looks its key up and is paired with the matching right rows in their
// input order, so rows come out in the order a nested-loop join would give them.
#include <unordered_map>

#include "sql/exec/eval.h"
#include "sql/exec/sources.h"
#include "sql/types/compare.h"

namespace blockdb::sql::exec {
namespace {

// Keys hash and compare as GROUP BY does (compare.h): consistent with `=` between columns of
// one type, or integers of any width, which is all SplitJoinKeys lets through.
struct JoinKeyHash {
  size_t operator()(const Row& r) const {
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (const Value& v : r) h = (h ^ HashValue(v)) * 0x100000001b3ull;
    return static_cast<size_t>(h);
  }
};
struct JoinKeyEq {
  bool operator()(const Row& a, const Row& b) const {
    for (size_t i = 0; i < a.size(); ++i) {
      if (CompareForSort(a[i], b[i]) != 0) return false;
    }
    return true;
  }
};

bool IsInteger(TypeId t) { return t == TypeId::kInt2 || t == TypeId::kInt4 || t == TypeId::kInt8; }

bool HashableColumnPair(const BoundExpr& a, const BoundExpr& b) {
  if (a.kind != BoundKind::kColumn || b.kind != BoundKind::kColumn) return false;
  TypeId ta = a.type.id(), tb = b.type.id();
  if (ta == TypeId::kUnknown || tb == TypeId::kUnknown) return false;
  return ta == tb || (IsInteger(ta) && IsInteger(tb));
}

void Conjuncts(BoundExprPtr e, std::vector<BoundExprPtr>* out) {
  if (e->kind == BoundKind::kAnd) {
    for (BoundExprPtr& a : e->args) Conjuncts(std::move(a), out);
    return;
  }
  out->push_back(std::move(e));
}

class HashJoin : public RowSource {
 public:
  HashJoin(RowSourcePtr left, RowSourcePtr right, size_t left_width, size_t right_width,
           JoinKind kind, JoinKeys keys, const EvalContext* ctx, const ExecControl* control)
      : left_(std::move(left)),
        right_(std::move(right)),
        left_width_(left_width),
        right_width_(right_width),
        kind_(kind),
        keys_(std::move(keys)),
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
        matches_ = Probe();
      }
      while (matches_ != nullptr && pos_ < matches_->size()) {
        uint32_t r = (*matches_)[pos_++];
        *row = left_row_;
        row->insert(row->end(), right_rows_[r].begin(), right_rows_[r].end());
        bool keep = true;
        if (keys_.residual) {
          ASSIGN_OR_RETURN(keep, EvalCondition(*keys_.residual, *row, *ctx_));
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
    const char* name = kind_ == JoinKind::kLeft    ? "Hash Left Join"
                       : kind_ == JoinKind::kRight ? "Hash Right Join"
                       : kind_ == JoinKind::kFull  ? "Hash Full Join"
                                                   : "Hash Join";
    lines->push_back(std::string(static_cast<size_t>(indent), ' ') + name);
    left_->Explain(indent + 2, lines);
    right_->Explain(indent + 2, lines);
  }

  void Rewind() override {
    left_->Rewind();
    right_->Rewind();
    right_rows_.clear();
    right_matched_.clear();
    table_.clear();
    loaded_ = false;
    left_done_ = false;
    have_left_ = false;
    matches_ = nullptr;
    unmatched_pos_ = 0;
  }

 private:
  Status Load() {
    RETURN_IF_ERROR(ReadAllRows(*right_, *control_, "join", &right_rows_));
    right_matched_.assign(right_rows_.size(), false);
    table_.reserve(right_rows_.size());
    for (size_t r = 0; r < right_rows_.size(); ++r) {
      Row key;
      key.reserve(keys_.right.size());
      bool has_null = false;
      for (size_t c : keys_.right) {
        has_null |= right_rows_[r][c].is_null();
        key.push_back(right_rows_[r][c]);
      }
      if (!has_null) table_[std::move(key)].push_back(static_cast<uint32_t>(r));  // NULL = no row
    }
    loaded_ = true;
    return Status::OK();
  }

  // The right rows whose key equals the current left row's; null when none (or a NULL key).
  const std::vector<uint32_t>* Probe() {
    probe_key_.clear();
    for (size_t c : keys_.left) {
      if (left_row_[c].is_null()) return nullptr;
      probe_key_.push_back(left_row_[c]);
    }
    auto it = table_.find(probe_key_);
    return it == table_.end() ? nullptr : &it->second;
  }

  RowSourcePtr left_;
  RowSourcePtr right_;
  size_t left_width_;
  size_t right_width_;
  JoinKind kind_;
  JoinKeys keys_;
  const EvalContext* ctx_;
  const ExecControl* control_;
  std::vector<Row> right_rows_;
  std::vector<bool> right_matched_;
  std::unordered_map<Row, std::vector<uint32_t>, JoinKeyHash, JoinKeyEq> table_;
  Row probe_key_;
  const std::vector<uint32_t>* matches_ = nullptr;
  bool loaded_ = false;
  bool left_done_ = false;
  bool have_left_ = false;
  bool matched_ = false;
  size_t pos_ = 0;
  size_t unmatched_pos_ = 0;
  Row left_row_;
};

}  // namespace

JoinKeys SplitJoinKeys(BoundExprPtr on, size_t left_width, size_t right_width) {
  JoinKeys keys;
  if (on == nullptr) return keys;
  std::vector<BoundExprPtr> conjuncts;
  Conjuncts(std::move(on), &conjuncts);
  std::vector<BoundExprPtr> rest;
  auto side = [&](int index) {  // 0: left, 1: right, -1: neither
    if (index < 0) return -1;
    size_t i = static_cast<size_t>(index);
    return i < left_width ? 0 : i < left_width + right_width ? 1 : -1;
  };
  for (BoundExprPtr& c : conjuncts) {
    if (c->kind == BoundKind::kCompare && c->cmp == CompareOp::kEq &&
        HashableColumnPair(*c->args[0], *c->args[1])) {
      int a = side(c->args[0]->index), b = side(c->args[1]->index);
      if (a >= 0 && b >= 0 && a != b) {
        const BoundExpr& l = *c->args[a == 0 ? 0 : 1];
        const BoundExpr& r = *c->args[a == 0 ? 1 : 0];
        keys.left.push_back(static_cast<size_t>(l.index));
        keys.right.push_back(static_cast<size_t>(r.index) - left_width);
        continue;
      }
    }
    rest.push_back(std::move(c));
  }
  if (rest.size() == 1) {
    keys.residual = std::move(rest[0]);
  } else if (rest.size() > 1) {
    keys.residual = std::make_unique<BoundExpr>();
    keys.residual->kind = BoundKind::kAnd;
    keys.residual->type = Type::Of(TypeId::kBool);
    keys.residual->args = std::move(rest);
  }
  return keys;
}

RowSourcePtr MakeHashJoin(RowSourcePtr left, RowSourcePtr right, size_t left_width,
                          size_t right_width, JoinKind kind, JoinKeys keys,
                          const EvalContext* ctx, const ExecControl* control) {
  return std::make_unique<HashJoin>(std::move(left), std::move(right), left_width, right_width,
                                    kind, std::move(keys), ctx, control);
}

}  // namespace blockdb::sql::exec
