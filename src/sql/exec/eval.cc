#include "sql/exec/eval.h"

#include <chrono>

#include "sql/types/cast.h"
#include "sql/types/compare.h"
#include "sql/types/errors.h"

namespace blockdb::sql::exec {
namespace {

// Seconds from 1970-01-01 to 2000-01-01.
constexpr int64_t kUnixToPostgresEpochSeconds = 946684800;

bool IsInteger(TypeId t) { return t == TypeId::kInt2 || t == TypeId::kInt4 || t == TypeId::kInt8; }

// Integer + - * / % in the result type, with PostgreSQL's errors (the binder resolved the result
// type: the wider operand's).
Result<Value> IntegerArith(BinaryOp op, int64_t a, int64_t b, TypeId type) {
  int64_t r = 0;
  bool overflow = false;
  switch (op) {
    case BinaryOp::kAdd:
      overflow = __builtin_add_overflow(a, b, &r);
      break;
    case BinaryOp::kSub:
      overflow = __builtin_sub_overflow(a, b, &r);
      break;
    case BinaryOp::kMul:
      overflow = __builtin_mul_overflow(a, b, &r);
      break;
    case BinaryOp::kDiv:
    case BinaryOp::kMod:
      if (b == 0) return DivisionByZero();
      if (b == -1) {  // INT64_MIN / -1 overflows; x % -1 is 0
        if (op == BinaryOp::kMod) return Value::Integer(type, 0);
        overflow = __builtin_sub_overflow(int64_t{0}, a, &r);
      } else {
        r = op == BinaryOp::kDiv ? a / b : a % b;
      }
      break;
    default:
      return EvalBinary(op, Value::Int8(a), Value::Int8(b));
  }
  int64_t lo = type == TypeId::kInt2 ? INT16_MIN : type == TypeId::kInt4 ? INT32_MIN : INT64_MIN;
  int64_t hi = type == TypeId::kInt2 ? INT16_MAX : type == TypeId::kInt4 ? INT32_MAX : INT64_MAX;
  if (overflow || r < lo || r > hi) {
    return NumericOutOfRange(type == TypeId::kInt2   ? "smallint out of range"
                             : type == TypeId::kInt4 ? "integer out of range"
                                                     : "bigint out of range");
  }
  return Value::Integer(type, r);
}

bool CompareHolds(CompareOp op, int c) {
  switch (op) {
    case CompareOp::kEq:
      return c == 0;
    case CompareOp::kNe:
      return c != 0;
    case CompareOp::kLt:
      return c < 0;
    case CompareOp::kLe:
      return c <= 0;
    case CompareOp::kGt:
      return c > 0;
    case CompareOp::kGe:
      return c >= 0;
  }
  return false;
}

// AND/OR over three-valued inputs, short-circuiting like PostgreSQL (a false AND never evaluates
// the rest, so `x <> 0 AND 1/x > 0` does not divide by zero).
Result<Value> EvalLogic(const BoundExpr& e, const std::vector<Value>& row, const EvalContext& ctx) {
  const bool is_and = e.kind == BoundKind::kAnd;
  bool saw_null = false;
  for (const BoundExprPtr& a : e.args) {
    ASSIGN_OR_RETURN(Value v, Eval(*a, row, ctx));
    if (v.is_null()) {
      saw_null = true;
    } else if (v.bool_value() != is_and) {
      return Value::Bool(!is_and);
    }
  }
  return saw_null ? Value::Null(TypeId::kBool) : Value::Bool(is_and);
}

Result<Value> EvalInList(const BoundExpr& e, const std::vector<Value>& row,
                         const EvalContext& ctx) {
  ASSIGN_OR_RETURN(Value arg, Eval(*e.args[0], row, ctx));
  if (arg.is_null()) {
    return Value::Null(TypeId::kBool);
  }
  bool saw_null = false;
  for (size_t i = 1; i < e.args.size(); ++i) {
    ASSIGN_OR_RETURN(Value item, Eval(*e.args[i], row, ctx));
    ASSIGN_OR_RETURN(std::optional<int> c, CompareValues(arg, item));
    if (!c) {
      saw_null = true;
    } else if (*c == 0) {
      return Value::Bool(!e.negated);
    }
  }
  return saw_null ? Value::Null(TypeId::kBool) : Value::Bool(e.negated);
}

Result<Value> EvalCase(const BoundExpr& e, const std::vector<Value>& row, const EvalContext& ctx) {
  size_t first = e.case_has_arg ? 1 : 0;
  size_t end = e.args.size() - (e.has_else ? 1 : 0);
  Value operand;
  if (e.case_has_arg) {
    ASSIGN_OR_RETURN(operand, Eval(*e.args[0], row, ctx));
  }
  for (size_t i = first; i < end; i += 2) {  // (condition, result) pairs
    bool taken = false;
    if (e.case_has_arg) {
      ASSIGN_OR_RETURN(Value w, Eval(*e.args[i], row, ctx));
      ASSIGN_OR_RETURN(std::optional<int> c, CompareValues(operand, w));
      taken = c && *c == 0;
    } else {
      ASSIGN_OR_RETURN(taken, EvalCondition(*e.args[i], row, ctx));
    }
    if (taken) {
      return Eval(*e.args[i + 1], row, ctx);
    }
  }
  if (e.has_else) {
    return Eval(*e.args.back(), row, ctx);
  }
  return Value::Null(e.type.id());
}

Result<Value> EvalLike(const BoundExpr& e, const std::vector<Value>& row, const EvalContext& ctx) {
  ASSIGN_OR_RETURN(Value text, Eval(*e.args[0], row, ctx));
  ASSIGN_OR_RETURN(Value pattern, Eval(*e.args[1], row, ctx));
  std::optional<std::string_view> escape;
  Value esc;
  if (e.args.size() > 2) {
    ASSIGN_OR_RETURN(esc, Eval(*e.args[2], row, ctx));
    if (esc.is_null()) {
      return Value::Null(TypeId::kBool);
    }
    escape = esc.bytes();
  }
  if (text.is_null() || pattern.is_null()) {
    return Value::Null(TypeId::kBool);
  }
  ASSIGN_OR_RETURN(bool m, LikeMatch(text.bytes(), pattern.bytes(), escape, e.case_insensitive));
  return Value::Bool(m != e.negated);
}

// An operand that is a column or a constant, read in place (no Value copied per row); null
// for anything that must be evaluated.
const Value* InPlace(const BoundExpr& e, const std::vector<Value>& row) {
  return e.kind == BoundKind::kConst    ? &e.value
         : e.kind == BoundKind::kColumn ? &row[e.index]
                                        : nullptr;
}

Result<Value> EvalArith(const BoundExpr& e, const Value& a, const Value& b) {
  if (IsInteger(a.type()) && IsInteger(b.type()) && IsInteger(e.type.id()) && !a.is_null() &&
      !b.is_null()) {
    return IntegerArith(e.arith, a.int_value(), b.int_value(), e.type.id());
  }
  return EvalBinary(e.arith, a, b);
}

Result<Value> EvalCompare(const BoundExpr& e, const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value::Null(TypeId::kBool);
  // Values of one type (or integers of any width) compare directly; mixed types go
  // through PostgreSQL's comparison resolution.
  if (a.type() == b.type() ? a.type() != TypeId::kUnknown
                           : IsInteger(a.type()) && IsInteger(b.type())) {
    return Value::Bool(CompareHolds(e.cmp, CompareForSort(a, b)));
  }
  ASSIGN_OR_RETURN(std::optional<int> c, CompareValues(a, b));
  return c ? Value::Bool(CompareHolds(e.cmp, *c)) : Value::Null(TypeId::kBool);
}

}  // namespace

int64_t NowMicros() {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  int64_t micros = std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count();
  return micros - kUnixToPostgresEpochSeconds * 1000000;
}

Result<bool> EvalCondition(const BoundExpr& e, const std::vector<Value>& row,
                           const EvalContext& ctx) {
  ASSIGN_OR_RETURN(Value v, Eval(e, row, ctx));
  return !v.is_null() && v.bool_value();
}

Result<Value> Eval(const BoundExpr& e, const std::vector<Value>& row, const EvalContext& ctx) {
  switch (e.kind) {
    case BoundKind::kConst:
      return e.value;
    case BoundKind::kColumn:
      return row[e.index];
    case BoundKind::kParam: {
      const Value& p = (*ctx.params)[e.index];
      if (p.is_null()) {
        return Value::Null(e.type.id());
      }
      return p;
    }
    case BoundKind::kNegate: {
      ASSIGN_OR_RETURN(Value v, Eval(*e.args[0], row, ctx));
      return EvalNegate(v);
    }
    case BoundKind::kArith: {
      const Value* pa = InPlace(*e.args[0], row);
      const Value* pb = InPlace(*e.args[1], row);
      if (pa != nullptr && pb != nullptr) return EvalArith(e, *pa, *pb);
      ASSIGN_OR_RETURN(Value a, Eval(*e.args[0], row, ctx));
      ASSIGN_OR_RETURN(Value b, Eval(*e.args[1], row, ctx));
      return EvalArith(e, a, b);
    }
    case BoundKind::kCompare: {
      const Value* pa = InPlace(*e.args[0], row);
      const Value* pb = InPlace(*e.args[1], row);
      if (pa != nullptr && pb != nullptr) return EvalCompare(e, *pa, *pb);
      ASSIGN_OR_RETURN(Value a, Eval(*e.args[0], row, ctx));
      ASSIGN_OR_RETURN(Value b, Eval(*e.args[1], row, ctx));
      return EvalCompare(e, a, b);
    }
    case BoundKind::kAnd:
    case BoundKind::kOr:
      return EvalLogic(e, row, ctx);
    case BoundKind::kNot: {
      ASSIGN_OR_RETURN(Value v, Eval(*e.args[0], row, ctx));
      return v.is_null() ? v : Value::Bool(!v.bool_value());
    }
    case BoundKind::kIsNull: {
      ASSIGN_OR_RETURN(Value v, Eval(*e.args[0], row, ctx));
      return Value::Bool(v.is_null() != e.negated);
    }
    case BoundKind::kIsBool: {
      ASSIGN_OR_RETURN(Value v, Eval(*e.args[0], row, ctx));
      bool holds = e.is_unknown ? v.is_null() : (!v.is_null() && v.bool_value() == e.bool_test);
      return Value::Bool(holds != e.negated);
    }
    case BoundKind::kDistinct: {
      ASSIGN_OR_RETURN(Value a, Eval(*e.args[0], row, ctx));
      ASSIGN_OR_RETURN(Value b, Eval(*e.args[1], row, ctx));
      bool distinct;
      if (a.is_null() || b.is_null()) {
        distinct = a.is_null() != b.is_null();
      } else {
        ASSIGN_OR_RETURN(std::optional<int> c, CompareValues(a, b));
        distinct = *c != 0;
      }
      return Value::Bool(distinct != e.negated);
    }
    case BoundKind::kInList:
      return EvalInList(e, row, ctx);
    case BoundKind::kLike:
      return EvalLike(e, row, ctx);
    case BoundKind::kCase:
      return EvalCase(e, row, ctx);
    case BoundKind::kCast: {
      ASSIGN_OR_RETURN(Value v, Eval(*e.args[0], row, ctx));
      return CastValue(v, e.type, e.negated ? CastContext::kAssignment : CastContext::kExplicit);
    }
    case BoundKind::kOuterColumn:
      return (*ctx.outer_rows[e.level])[e.index];
    case BoundKind::kSubquery:
      return e.subquery->Evaluate(e, row, ctx);
    case BoundKind::kFunction: {
      std::vector<Value> args;
      args.reserve(e.args.size());
      for (const BoundExprPtr& a : e.args) {
        ASSIGN_OR_RETURN(Value v, Eval(*a, row, ctx));
        args.push_back(std::move(v));
      }
      return EvalFunction(e, args, ctx);
    }
  }
  return Status::InvalidArgument("unknown expression kind").WithSqlState("XX000");
}

Result<bool> LikeMatch(std::string_view text, std::string_view pattern,
                       std::optional<std::string_view> escape, bool case_insensitive) {
  char esc = '\\';
  bool has_escape = true;
  if (escape) {
    if (escape->empty()) {
      has_escape = false;
    } else if (escape->size() > 1) {
      return Status::InvalidArgument("invalid escape string").WithSqlState("22025");
    } else {
      esc = (*escape)[0];
    }
  }
  auto fold = [&](char c) {
    return case_insensitive && c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  };
  // Length of the UTF-8 character starting with byte c.
  auto char_len = [](unsigned char c) -> size_t {
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  };
  // Iterative matcher with backtracking to the last %, linear in practice.
  size_t t = 0, p = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      char pc = pattern[p];
      if (pc == '%') {
        star_p = ++p;
        star_t = t;
        continue;
      }
      if (pc == '_') {
        t += char_len(static_cast<unsigned char>(text[t]));
        p += char_len(static_cast<unsigned char>(pattern[p]));
        continue;
      }
      size_t lit = p;
      if (has_escape && pc == esc) {
        if (p + 1 >= pattern.size()) {
          return Status::InvalidArgument("LIKE pattern must not end with escape character")
              .WithSqlState("22025");
        }
        lit = p + 1;
      }
      if (fold(pattern[lit]) == fold(text[t])) {
        p = lit + 1;
        ++t;
        continue;
      }
    }
    if (star_p == std::string_view::npos) {
      return false;
    }
    p = star_p;
    star_t += char_len(static_cast<unsigned char>(text[star_t]));
    t = star_t;
  }
  while (p < pattern.size() && pattern[p] == '%') {
    ++p;
  }
  if (p < pattern.size() && has_escape && pattern[p] == esc && p + 1 >= pattern.size()) {
    return Status::InvalidArgument("LIKE pattern must not end with escape character")
        .WithSqlState("22025");
  }
  return p == pattern.size();
}

}  // namespace blockdb::sql::exec
