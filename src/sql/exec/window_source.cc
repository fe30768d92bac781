// Window functions: the input is read into memory (within work_mem); for each call the rows are
// ordered by (PARTITION BY, ORDER BY) and its value computed per row, over PostgreSQL's default
// frame (the whole partition without ORDER BY; from the partition's start to the current row's
// last peer with it) or an explicit ROWS / RANGE frame. Rows come out in input order with one
// column per call appended.
#include <algorithm>
#include <numeric>

#include "sql/exec/sources.h"
#include "sql/types/cast.h"
#include "sql/types/compare.h"
#include "sql/types/numeric.h"
#include "sql/types/operators.h"

namespace blockdb::sql::exec {
namespace {

// Running state of an aggregate over a growing frame.
struct Running {
  int64_t count = 0;
  Value acc;
};

Status Accumulate(const AggregateSpec& spec, const Value& v, Running* r) {
  if (spec.func == AggFunc::kCountStar) {
    ++r->count;
    return Status::OK();
  }
  if (v.is_null()) return Status::OK();
  ++r->count;
  switch (spec.func) {
    case AggFunc::kSum:
    case AggFunc::kAvg: {
      ASSIGN_OR_RETURN(Value x, CastValue(v, spec.result_type, CastContext::kExplicit));
      if (r->acc.is_null()) {
        r->acc = std::move(x);
      } else {
        ASSIGN_OR_RETURN(r->acc, EvalBinary(BinaryOp::kAdd, r->acc, x));
      }
      return Status::OK();
    }
    case AggFunc::kMin:
    case AggFunc::kMax: {
      int c = r->acc.is_null() ? 0 : CompareForSort(v, r->acc);
      if (r->acc.is_null() || (spec.func == AggFunc::kMin ? c < 0 : c > 0)) r->acc = v;
      return Status::OK();
    }
    case AggFunc::kBoolAnd:
    case AggFunc::kBoolOr: {
      bool b = v.bool_value();
      if (!r->acc.is_null()) {
        b = spec.func == AggFunc::kBoolAnd ? (b && r->acc.bool_value())
                                           : (b || r->acc.bool_value());
      }
      r->acc = Value::Bool(b);
      return Status::OK();
    }
    default:
      return Status::OK();
  }
}

Result<Value> Current(const AggregateSpec& spec, const Running& r) {
  switch (spec.func) {
    case AggFunc::kCountStar:
    case AggFunc::kCount:
      return Value::Int8(r.count);
    case AggFunc::kAvg: {
      if (r.acc.is_null()) return Value::Null(spec.result_type.id());
      Value n = spec.result_type.id() == TypeId::kNumeric
                    ? Value::Numeric(NumericFromInt64(r.count))
                    : Value::Float8(static_cast<double>(r.count));
      return EvalBinary(BinaryOp::kDiv, r.acc, n);
    }
    default:
      return r.acc.is_null() ? Value::Null(spec.result_type.id()) : r.acc;
  }
}

class WindowSource : public RowSource {
 public:
  WindowSource(RowSourcePtr child, std::vector<WindowCall> calls, const EvalContext* ctx,
               const ExecControl* control)
      : child_(std::move(child)), calls_(std::move(calls)), ctx_(ctx), control_(control) {}

  Result<bool> Next(Row* row) override {
    if (!computed_) RETURN_IF_ERROR(Compute());
    if (next_ >= rows_.size()) return false;
    *row = std::move(rows_[next_++]);
    return true;
  }
  void Explain(int indent, std::vector<std::string>* lines) const override {
    lines->push_back(std::string(static_cast<size_t>(indent), ' ') + "WindowAgg");
    child_->Explain(indent + 2, lines);
  }
  void Rewind() override {
    child_->Rewind();
    rows_.clear();
    computed_ = false;
    next_ = 0;
  }

 private:
  Status Compute() {
    computed_ = true;
    RETURN_IF_ERROR(ReadAllRows(*child_, *control_, "window functions", &rows_));
    const size_t width = rows_.empty() ? 0 : rows_[0].size();
    std::vector<std::vector<Value>> results(calls_.size());
    for (size_t k = 0; k < calls_.size(); ++k) {
      ASSIGN_OR_RETURN(results[k], ComputeCall(calls_[k]));
    }
    for (size_t i = 0; i < rows_.size(); ++i) {
      rows_[i].resize(width);
      for (size_t k = 0; k < calls_.size(); ++k) rows_[i].push_back(std::move(results[k][i]));
    }
    return Status::OK();
  }

  // The PARTITION BY values of row i are (*keys)[i * w ... i * w + np), then its ORDER BY values
  // (w = np + no): a column is read in place, another expression evaluated into *computed.
  Status KeyValues(const WindowCall& call, std::vector<const Value*>* keys,
                   std::vector<Value>* computed) {
    const size_t n = rows_.size(), np = call.partition.size(), w = np + call.order.size();
    keys->resize(n * w);
    size_t evaluated = 0;
    for (size_t j = 0; j < w; ++j) {
      const BoundExpr& e = j < np ? *call.partition[j] : *call.order[j - np];
      if (e.kind != BoundKind::kColumn) evaluated += n;
    }
    computed->reserve(evaluated);  // no reallocation: pointers into it stay valid
    for (size_t j = 0; j < w; ++j) {
      const BoundExpr& e = j < np ? *call.partition[j] : *call.order[j - np];
      for (size_t i = 0; i < n; ++i) {
        if (e.kind == BoundKind::kColumn) {
          (*keys)[i * w + j] = &rows_[i][static_cast<size_t>(e.index)];
        } else {
          ASSIGN_OR_RETURN(Value v, exec::Eval(e, rows_[i], *ctx_));
          computed->push_back(std::move(v));
          (*keys)[i * w + j] = &computed->back();
        }
      }
    }
    return Status::OK();
  }

  Result<std::vector<Value>> ComputeCall(const WindowCall& call) {
    const size_t n = rows_.size(), np = call.partition.size(), w = np + call.order.size();
    std::vector<const Value*> keys;
    std::vector<Value> computed;
    RETURN_IF_ERROR(KeyValues(call, &keys, &computed));
    auto cmp_part = [&](size_t a, size_t b) {
      for (size_t j = 0; j < np; ++j) {
        int c = CompareForSort(*keys[a * w + j], *keys[b * w + j]);
        if (c != 0) return c;
      }
      return 0;
    };
    auto cmp_ord = [&](size_t a, size_t b) {
      for (size_t j = np; j < w; ++j) {
        const Value& x = *keys[a * w + j];
        const Value& y = *keys[b * w + j];
        if (x.is_null() || y.is_null()) {
          if (x.is_null() && y.is_null()) continue;
          return x.is_null() == static_cast<bool>(call.order_nulls_first[j - np]) ? -1 : 1;
        }
        int c = CompareForSort(x, y);
        if (c != 0) return call.order_desc[j - np] ? -c : c;
      }
      return 0;
    };
    std::vector<size_t> idx(n);
    std::iota(idx.begin(), idx.end(), 0);
    std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
      int c = cmp_part(a, b);
      return c != 0 ? c < 0 : cmp_ord(a, b) < 0;
    });
    std::vector<Value> out(n);
    for (size_t start = 0; start < n;) {
      size_t end = start + 1;
      while (end < n && cmp_part(idx[start], idx[end]) == 0) ++end;
      RETURN_IF_ERROR(ComputePartition(call, idx, start, end, cmp_ord, &out));
      start = end;
    }
    return out;
  }

  // A frame offset: a constant expression, not NULL or negative (22004, 22013).
  Result<int64_t> FrameOffset(const BoundExprPtr& e, const char* which) {
    if (e == nullptr) return int64_t{0};
    ASSIGN_OR_RETURN(Value v, exec::Eval(*e, Row(), *ctx_));
    if (v.is_null()) {
      return Status::InvalidArgument(std::string("frame ") + which + " offset must not be null")
          .WithSqlState("22004");
    }
    if (v.int_value() < 0) {
      return Status::InvalidArgument(std::string("frame ") + which + " offset must not be negative")
          .WithSqlState("22013");
    }
    return v.int_value();
  }

  // A call with an explicit frame, or first_value / last_value / nth_value (which read the
  // default frame when none is given): for each row of the partition [start, end) of `idx`, its
  // frame [fs, fe] is worked out and the call's value computed over it. An aggregate whose frame
  // starts at the partition's start adds the rows its end passes; another is recomputed per row.
  template <typename Cmp>
  Status ComputeFramed(const WindowCall& call, const std::vector<size_t>& idx, size_t start,
                       size_t end, const Cmp& cmp_ord, std::vector<Value>* out) {
    WindowFrameSpec fallback;
    fallback.end =
        call.order.empty() ? FrameBoundKind::kUnboundedFollowing : FrameBoundKind::kCurrentRow;
    const WindowFrameSpec& f = call.frame ? *call.frame : fallback;
    ASSIGN_OR_RETURN(const int64_t so, FrameOffset(f.start_offset, "starting"));
    ASSIGN_OR_RETURN(const int64_t eo, FrameOffset(f.end_offset, "ending"));
    // Peer groups (RANGE mode): first and last position of the group of each position.
    std::vector<size_t> first(end - start), last(end - start);
    for (size_t g = start; g < end;) {
      size_t h = g + 1;
      while (h < end && !call.order.empty() && cmp_ord(idx[g], idx[h]) == 0) ++h;
      if (call.order.empty()) h = end;
      for (size_t i = g; i < h; ++i) {
        first[i - start] = g;
        last[i - start] = h - 1;
      }
      g = h;
    }
    const int64_t lo = static_cast<int64_t>(start), hi = static_cast<int64_t>(end) - 1;
    auto bound = [&](FrameBoundKind kind, int64_t offset, size_t i, bool is_start) -> int64_t {
      const int64_t pos = static_cast<int64_t>(i);
      switch (kind) {
        case FrameBoundKind::kUnboundedPreceding:
          return lo;
        case FrameBoundKind::kUnboundedFollowing:
          return hi;
        case FrameBoundKind::kPreceding:
          return pos - offset;
        case FrameBoundKind::kFollowing:
          return pos > INT64_MAX - offset ? INT64_MAX : pos + offset;
        case FrameBoundKind::kCurrentRow:
          if (f.rows) return pos;
          return static_cast<int64_t>(is_start ? first[i - start] : last[i - start]);
      }
      return pos;
    };
    Running running;
    int64_t added = lo - 1;  // the running aggregate holds positions lo..added
    const bool running_frame = f.start == FrameBoundKind::kUnboundedPreceding;
    auto add = [&](int64_t p) -> Status {
      const Row& row = rows_[idx[static_cast<size_t>(p)]];
      if (call.aggregate.filter != nullptr) {
        ASSIGN_OR_RETURN(Value keep, exec::Eval(*call.aggregate.filter, row, *ctx_));
        if (keep.is_null() || !keep.bool_value()) return Status::OK();
      }
      Value v;
      if (call.aggregate.arg != nullptr) {
        ASSIGN_OR_RETURN(v, exec::Eval(*call.aggregate.arg, row, *ctx_));
      }
      return Accumulate(call.aggregate, v, &running);
    };
    for (size_t i = start; i < end; ++i) {
      if ((i - start) % 1024 == 1023) RETURN_IF_ERROR(control_->Check());
      const int64_t fs = std::max(lo, bound(f.start, so, i, true));
      const int64_t fe = std::min(hi, bound(f.end, eo, i, false));
      Value& dst = (*out)[idx[i]];
      switch (call.func) {
        case WindowFunc::kAggregate: {
          if (!running_frame) {
            running = Running();
            added = fs - 1;
          }
          for (; added < fe; ++added) RETURN_IF_ERROR(add(added + 1));
          if (fs > fe) {
            ASSIGN_OR_RETURN(dst, Current(call.aggregate, Running()));
          } else {
            ASSIGN_OR_RETURN(dst, Current(call.aggregate, running));
          }
          break;
        }
        case WindowFunc::kFirstValue:
        case WindowFunc::kLastValue:
        case WindowFunc::kNthValue: {
          int64_t at = call.func == WindowFunc::kFirstValue ? fs : fe;
          if (call.func == WindowFunc::kNthValue) {
            ASSIGN_OR_RETURN(Value n, exec::Eval(*call.args[1], rows_[idx[i]], *ctx_));
            if (n.is_null()) {
              dst = Value::Null(call.type.id());
              break;
            }
            if (n.int_value() <= 0) {
              return Status::InvalidArgument("argument of nth_value must be greater than zero")
                  .WithSqlState("22016");
            }
            at = n.int_value() - 1 > fe - fs ? fe + 1 : fs + n.int_value() - 1;
          }
          if (fs > fe || at < fs || at > fe) {
            dst = Value::Null(call.type.id());
          } else {
            ASSIGN_OR_RETURN(dst,
                             exec::Eval(*call.args[0], rows_[idx[static_cast<size_t>(at)]], *ctx_));
          }
          break;
        }
        default:
          return Status::InvalidArgument("window function without a frame").WithSqlState("XX000");
      }
    }
    return Status::OK();
  }

  template <typename Cmp>
  Status ComputePartition(const WindowCall& call, const std::vector<size_t>& idx, size_t start,
                          size_t end, const Cmp& cmp_ord, std::vector<Value>* out) {
    if ((call.frame && call.func == WindowFunc::kAggregate) ||
        call.func == WindowFunc::kFirstValue || call.func == WindowFunc::kLastValue ||
        call.func == WindowFunc::kNthValue) {
      return ComputeFramed(call, idx, start, end, cmp_ord, out);
    }
    Running running;
    int64_t rank = 0, dense = 0;
    for (size_t g = start; g < end;) {
      // The peer group [g, h): rows equal in the ORDER BY keys.
      size_t h = g + 1;
      while (h < end && cmp_ord(idx[g], idx[h]) == 0) ++h;
      if (call.order.empty()) h = end;  // no ORDER BY: the whole partition is one frame
      ++dense;
      rank = static_cast<int64_t>(g - start) + 1;
      if (call.func == WindowFunc::kAggregate) {
        for (size_t i = g; i < h; ++i) {
          if (call.aggregate.filter != nullptr) {
            ASSIGN_OR_RETURN(Value keep, exec::Eval(*call.aggregate.filter, rows_[idx[i]], *ctx_));
            if (keep.is_null() || !keep.bool_value()) continue;
          }
          Value v;
          if (call.aggregate.arg != nullptr) {
            ASSIGN_OR_RETURN(v, exec::Eval(*call.aggregate.arg, rows_[idx[i]], *ctx_));
          }
          RETURN_IF_ERROR(Accumulate(call.aggregate, v, &running));
        }
      }
      for (size_t i = g; i < h; ++i) {
        Value& dst = (*out)[idx[i]];
        switch (call.func) {
          case WindowFunc::kRowNumber:
            dst = Value::Int8(static_cast<int64_t>(i - start) + 1);
            break;
          case WindowFunc::kRank:
            dst = Value::Int8(rank);
            break;
          case WindowFunc::kDenseRank:
            dst = Value::Int8(dense);
            break;
          case WindowFunc::kAggregate: {
            ASSIGN_OR_RETURN(dst, Current(call.aggregate, running));
            break;
          }
          case WindowFunc::kFirstValue:
          case WindowFunc::kLastValue:
          case WindowFunc::kNthValue:
            break;  // ComputeFramed
          case WindowFunc::kLag:
          case WindowFunc::kLead: {
            int64_t offset = 1;
            if (call.args.size() > 1) {
              ASSIGN_OR_RETURN(Value o, exec::Eval(*call.args[1], rows_[idx[i]], *ctx_));
              if (o.is_null()) {
                dst = Value::Null(call.type.id());
                break;
              }
              offset = o.int_value();
            }
            int64_t pos =
                static_cast<int64_t>(i) + (call.func == WindowFunc::kLag ? -offset : offset);
            if (pos < static_cast<int64_t>(start) || pos >= static_cast<int64_t>(end)) {
              dst = Value::Null(call.type.id());
            } else {
              ASSIGN_OR_RETURN(dst, exec::Eval(*call.args[0], rows_[idx[pos]], *ctx_));
            }
            break;
          }
        }
      }
      g = h;
    }
    return Status::OK();
  }

  RowSourcePtr child_;
  std::vector<WindowCall> calls_;
  const EvalContext* ctx_;
  const ExecControl* control_;
  std::vector<Row> rows_;
  bool computed_ = false;
  size_t next_ = 0;
};

}  // namespace

RowSourcePtr MakeWindowSource(RowSourcePtr child, std::vector<WindowCall> calls,
                              const EvalContext* ctx, const ExecControl* control) {
  return std::make_unique<WindowSource>(std::move(child), std::move(calls), ctx, control);
}

}  // namespace blockdb::sql::exec
