// The project-set source: set-returning functions of a SELECT list (binder.h, SrfCall).
#include "sql/exec/catalog_relations.h"
#include "sql/exec/sources.h"
#include "sql/types/compare.h"
#include "sql/types/errors.h"
#include "sql/types/operators.h"

namespace blockdb::sql::exec {
namespace {

// An element of a text-form array as a value of `type` (unknown: kept as an unknown literal).
Result<Value> ElementValue(std::string item, const Type& type) {
  if (type.id() == TypeId::kUnknown) return Value::Unknown(std::move(item));
  return ParseValue(item, type);
}

Result<Value> IntArg(const Value& v) {
  if (v.is_null()) return v;
  if (v.type() == TypeId::kUnknown || v.type() == TypeId::kText) {
    return ParseValue(v.bytes(), Type::Of(TypeId::kInt8));
  }
  return Value::Int8(v.int_value());
}

// The values call `call` yields for arguments `args`.
Result<std::vector<Value>> Expand(const SrfCall& call, const std::vector<Value>& args,
                                  const ExecControl& control) {
  std::vector<Value> out;
  if (call.func == SrfFunc::kGenerateSeries && call.type.id() != TypeId::kInt4 &&
      call.type.id() != TypeId::kInt8) {
    ASSIGN_OR_RETURN(TimestampSeries series, TimestampSeries::Start(args[0], args[1], args[2]));
    while (true) {
      ASSIGN_OR_RETURN(std::optional<Value> v, series.Next());
      if (!v) return out;
      if (out.size() % 1024 == 1023) RETURN_IF_ERROR(control.Check());
      out.push_back(std::move(*v));
    }
  }
  if (call.func == SrfFunc::kGenerateSeries) {
    std::vector<int64_t> n;
    for (const Value& a : args) {
      ASSIGN_OR_RETURN(Value v, IntArg(a));
      if (v.is_null()) return out;
      n.push_back(v.int_value());
    }
    int64_t step = n.size() == 3 ? n[2] : 1;
    if (step == 0) {
      return InvalidParameterValue("step size cannot equal zero");
    }
    for (int64_t i = n[0]; step > 0 ? i <= n[1] : i >= n[1]; i += step) {
      if (out.size() % 1024 == 1023) RETURN_IF_ERROR(control.Check());
      out.push_back(call.type.id() == TypeId::kInt8 ? Value::Int8(i)
                                                    : Value::Int4(static_cast<int32_t>(i)));
      if ((step > 0 && i > INT64_MAX - step) || (step < 0 && i < INT64_MIN - step)) break;
    }
    return out;
  }
  if (args[0].is_null()) return out;
  std::vector<std::string> items = ArrayTextItems(args[0].bytes());
  if (call.func == SrfFunc::kGenerateSubscripts) {
    ASSIGN_OR_RETURN(Value dim, IntArg(args[1]));
    if (dim.is_null() || dim.int_value() != 1) return out;
    for (size_t i = 0; i < items.size(); ++i) {
      out.push_back(Value::Int4(static_cast<int32_t>(i) + call.lower_bound));
    }
    return out;
  }
  for (size_t i = 0; i < items.size(); ++i) {
    if (call.func == SrfFunc::kUnnest || call.field == 0) {
      ASSIGN_OR_RETURN(Value v, ElementValue(std::move(items[i]), call.type));
      out.push_back(std::move(v));
    } else if (call.field == 1) {
      out.push_back(Value::Int4(static_cast<int32_t>(i + 1)));
    } else {
      out.push_back(Value::Text("(" + items[i] + "," + std::to_string(i + 1) + ")"));
    }
  }
  return out;
}

class ProjectSetSource : public RowSource {
 public:
  ProjectSetSource(RowSourcePtr child, std::vector<SrfCall> calls, const EvalContext* ctx,
                   const ExecControl* control)
      : child_(std::move(child)), calls_(std::move(calls)), ctx_(ctx), control_(control) {}

  Result<bool> Next(Row* row) override {
    while (next_ >= count_) {
      ASSIGN_OR_RETURN(bool more, child_->Next(&input_));
      if (!more) return false;
      RETURN_IF_ERROR(ExpandInput());
    }
    *row = input_;
    for (size_t k = 0; k < calls_.size(); ++k) {
      row->push_back(next_ < values_[k].size() ? values_[k][next_]
                                               : Value::Null(calls_[k].type.id()));
    }
    ++next_;
    return true;
  }
  void Explain(int indent, std::vector<std::string>* lines) const override {
    lines->push_back(std::string(static_cast<size_t>(indent), ' ') + "ProjectSet");
    child_->Explain(indent + 2, lines);
  }
  void Rewind() override {
    child_->Rewind();
    next_ = count_ = 0;
  }

 private:
  Status ExpandInput() {
    values_.assign(calls_.size(), {});
    count_ = next_ = 0;
    for (size_t k = 0; k < calls_.size(); ++k) {
      std::vector<Value> args;
      for (const BoundExprPtr& a : calls_[k].args) {
        ASSIGN_OR_RETURN(Value v, Eval(*a, input_, *ctx_));
        args.push_back(std::move(v));
      }
      ASSIGN_OR_RETURN(values_[k], Expand(calls_[k], args, *control_));
      count_ = std::max(count_, values_[k].size());
    }
    return Status::OK();
  }

  RowSourcePtr child_;
  std::vector<SrfCall> calls_;
  const EvalContext* ctx_;
  const ExecControl* control_;
  Row input_;
  std::vector<std::vector<Value>> values_;  // per call, for the current input row
  size_t count_ = 0;                        // rows the current input row gives
  size_t next_ = 0;
};

}  // namespace

Result<TimestampSeries> TimestampSeries::Start(const Value& start, const Value& stop,
                                               const Value& step) {
  TimestampSeries series;
  if (start.is_null() || stop.is_null() || step.is_null()) {
    series.done_ = true;
    return series;
  }
  ASSIGN_OR_RETURN(Value after, EvalBinary(BinaryOp::kAdd, start, step));
  const int direction = CompareForSort(after, start);
  if (direction == 0) return InvalidParameterValue("step size cannot equal zero");
  series.up_ = direction > 0;
  series.next_ = start;
  series.stop_ = stop;
  series.step_ = step;
  return series;
}

Result<std::optional<Value>> TimestampSeries::Next() {
  if (done_) return std::optional<Value>();
  const int c = CompareForSort(next_, stop_);
  if (up_ ? c > 0 : c < 0) {
    done_ = true;
    return std::optional<Value>();
  }
  Value out = next_;
  Result<Value> following = EvalBinary(BinaryOp::kAdd, next_, step_);
  if (following.ok()) {
    next_ = std::move(following).value();
  } else {
    done_ = true;  // past the end of the timestamp range: the series stops there
  }
  return std::optional<Value>(std::move(out));
}

RowSourcePtr MakeProjectSetSource(RowSourcePtr child, std::vector<SrfCall> calls,
                                  const EvalContext* ctx, const ExecControl* control) {
  return std::make_unique<ProjectSetSource>(std::move(child), std::move(calls), ctx, control);
}

}  // namespace blockdb::sql::exec
