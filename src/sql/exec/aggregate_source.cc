// GROUP BY and aggregates: a hash aggregation over the whole input (groups in first-seen
// order), bounded by work_mem.
#include <algorithm>
#include <array>
#include <atomic>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "sql/exec/sources.h"
#include "sql/types/cast.h"
#include "sql/types/compare.h"
#include "sql/types/errors.h"
#include "sql/types/numeric.h"
#include "sql/types/operators.h"
#include "sql/types/timezone.h"

namespace blockdb::sql::exec {
namespace {

struct ValueHash {
  size_t operator()(const Value& v) const { return static_cast<size_t>(HashValue(v)); }
};
struct ValueEq {
  bool operator()(const Value& a, const Value& b) const { return CompareForSort(a, b) == 0; }
};
struct KeyHash {
  size_t operator()(const Row& r) const {
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (const Value& v : r) h = (h ^ HashValue(v)) * 0x100000001b3ull;
    return static_cast<size_t>(h);
  }
};
struct KeyEq {
  bool operator()(const Row& a, const Row& b) const {
    for (size_t i = 0; i < a.size(); ++i) {
      if (CompareForSort(a[i], b[i]) != 0) return false;
    }
    return true;
  }
};

// Exact sums of integers and of numerics with few decimal places, as 128-bit integers of units
// of 10^-scale: adding two such integers is far cheaper than adding two base-10000 digit vectors
// (a full-scan sum or avg spends most of its time there otherwise). The scale is the largest
// display scale seen so far, as NumericAdd's result scale. An input that does not fit (NaN or an
// infinity, more than kMaxFastScale decimals, a value or sum near the int128 range) makes the sum
// leave this path for good and continue as a Numeric, so results and errors are NumericAdd's.
constexpr int kMaxFastScale = 18;
constexpr __int128 kFastLimit = static_cast<__int128>(1) << 120;

constexpr __int128 Pow10(int n) {
  __int128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

template <typename T, size_t N>
constexpr std::array<T, N> PowersOf10() {
  std::array<T, N> p{};
  for (size_t i = 0; i < N; ++i) p[i] = static_cast<T>(Pow10(static_cast<int>(i)));
  return p;
}
constexpr std::array<__int128, 37> kPow10 = PowersOf10<__int128, 37>();  // all below kFastLimit
constexpr std::array<int64_t, 19> kPow10Int64 = PowersOf10<int64_t, 19>();

// sum(digits[i] * 10^(4 * (weight - i) + scale)) for n's digits, in T. A group whose exponent is
// negative lies past `scale` decimals, and its low digits are zeros (n.dscale <= scale).
template <typename T, size_t N>
T ScaledDigits(const Numeric& n, int scale, const std::array<T, N>& pow10) {
  T acc = 0;
  for (size_t i = 0; i < n.digits.size(); ++i) {
    int e = 4 * (n.weight - static_cast<int>(i)) + scale;
    const T d = n.digits[i];
    // The last group often ends past `scale` (an amount's cents): constant divisors there,
    // which compile to multiplications.
    acc += e >= 0    ? d * pow10[e]
           : e == -2 ? d / 100
           : e == -1 ? d / 10
           : e == -3 ? d / 1000
                     : d / pow10[-e];
  }
  return n.negative ? -acc : acc;
}

// n * 10^scale as an integer, when exact and below 10^36. REQUIRES: scale <= kMaxFastScale.
std::optional<__int128> ScaledNumeric(const Numeric& n, int scale) {
  // |n| < 10000^(weight + 1), so |n| * 10^scale < 10^(4 * (weight + 1) + scale).
  int digits = 4 * (n.weight + 1) + scale;
  if (!n.is_finite() || n.dscale > scale || digits > 36) return std::nullopt;
  if (digits <= 18) return ScaledDigits(n, scale, kPow10Int64);  // int64 arithmetic suffices
  return ScaledDigits(n, scale, kPow10);
}

Result<Numeric> NumericFromScaled(__int128 v, int scale) {
  bool neg = v < 0;
  unsigned __int128 u =
      neg ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  } while (u != 0);
  while (static_cast<int>(digits.size()) <= scale) digits.insert(digits.begin(), '0');
  if (scale > 0) digits.insert(digits.end() - scale, '.');
  return ParseNumericText((neg ? "-" : "") + digits);
}

struct AggState {
  int64_t count = 0;
  Value acc;  // running sum, min, max, bool or string (NULL until the first input)
  // Sums in their native form (the hot path of sum and avg): an integer sum of integers
  // (bigint results), a scaled 128-bit sum (see kMaxFastScale) or a numeric sum of integers and
  // numerics; min and max of integers as an int64. `native` tells which is used.
  enum class Native : uint8_t { kNone, kInt, kNumeric, kScaled, kIntExtreme };
  Native native = Native::kNone;
  int64_t int_sum = 0;  // kInt: the sum; kIntExtreme: the minimum or maximum
  Numeric numeric_sum;
  __int128 scaled_sum = 0;  // kScaled: the sum in units of 10^-scale
  int scale = 0;
  std::unique_ptr<std::unordered_set<Value, ValueHash, ValueEq>> seen;  // DISTINCT
  // An aggregate with ORDER BY keeps its rows until the group is finished: the argument, the
  // separator and the sort keys of each.
  std::vector<Row> ordered;
};

bool IsIntegerType(TypeId t) {
  return t == TypeId::kInt2 || t == TypeId::kInt4 || t == TypeId::kInt8;
}

// Adds an integer or numeric `v` to the scaled sum of *st (kNone or kScaled). False, with *st
// unchanged, when the sum must continue as a Numeric instead.
bool AddScaled(const Value& v, AggState* st) {
  bool is_int = IsIntegerType(v.type());
  int dscale = is_int ? 0 : v.numeric_value().dscale;
  int scale = st->native == AggState::Native::kNone ? dscale : std::max(st->scale, dscale);
  if (scale > kMaxFastScale) return false;
  __int128 sum = st->scaled_sum;
  if (scale > st->scale) {  // widen the running sum to the new scale
    __int128 factor = kPow10[scale - st->scale];
    if (sum >= kFastLimit / factor || sum <= -kFastLimit / factor) return false;
    sum *= factor;
  }
  __int128 x;
  if (is_int) {
    x = static_cast<__int128>(v.int_value()) * kPow10[scale];
  } else {
    std::optional<__int128> scaled = ScaledNumeric(v.numeric_value(), scale);
    if (!scaled) return false;
    x = *scaled;
  }
  sum += x;  // |sum| < 2^120 and |x| < 10^36 (or 2^63 * 10^18): no int128 overflow
  if (sum >= kFastLimit || sum <= -kFastLimit) return false;
  st->scaled_sum = sum;
  st->scale = scale;
  st->native = AggState::Native::kScaled;
  return true;
}

// min and max of integers compare int64s, without copying a Value per new extreme.
bool IsIntExtreme(const AggregateSpec& spec, const Value& v) {
  return IsIntegerType(v.type()) && v.type() == spec.result_type.id();
}

void AddIntExtreme(AggFunc func, int64_t x, AggState* st) {
  if (st->native == AggState::Native::kNone ||
      (func == AggFunc::kMin ? x < st->int_sum : x > st->int_sum)) {
    st->int_sum = x;
    st->native = AggState::Native::kIntExtreme;
  }
}

// The per-row work of the common aggregates of a full scan (count(*); count, sum, avg, min and
// max of a plain column on their native paths), without the Status and the general dispatch of
// Accumulate, whose cost per call is a large part of a scan's. True when the row was
// accumulated; false, with *st unchanged, when Accumulate must handle it.
inline bool AccumulateFast(const AggregateSpec& spec, const Row& input, AggState* st) {
  if (spec.filter != nullptr || !spec.order.empty()) return false;
  if (spec.func == AggFunc::kCountStar) {
    ++st->count;
    return true;
  }
  if (spec.distinct || spec.arg->kind != BoundKind::kColumn) return false;
  const Value& v = input[spec.arg->index];
  if (v.is_null()) return true;
  switch (spec.func) {
    case AggFunc::kCount:
      break;
    case AggFunc::kSum:
    case AggFunc::kAvg:
      if (spec.result_type.id() == TypeId::kInt8 && IsIntegerType(v.type())) {
        int64_t sum;
        if (__builtin_add_overflow(st->int_sum, v.int_value(), &sum)) return false;  // 22003
        st->int_sum = sum;
        st->native = AggState::Native::kInt;
        break;
      }
      if (spec.result_type.id() != TypeId::kNumeric ||
          (!IsIntegerType(v.type()) && v.type() != TypeId::kNumeric) ||
          (st->native != AggState::Native::kNone && st->native != AggState::Native::kScaled) ||
          !AddScaled(v, st)) {
        return false;
      }
      break;
    case AggFunc::kMin:
    case AggFunc::kMax:
      if (!IsIntExtreme(spec, v)) return false;
      AddIntExtreme(spec.func, v.int_value(), st);
      break;
    default:
      return false;
  }
  ++st->count;
  return true;
}

// Whether partial states of an aggregate over consecutive key ranges of its input, combined in
// key order, give exactly the state of one pass over the whole input, text included: counts,
// exact sums and averages (integers, numerics: addition is associative), booleans, and min and
// max of any type (each range keeps its first extreme and Combine replaces only a strictly
// smaller or larger one, so the first in key order wins, as in one pass). Not float sums (their
// rounding depends on the grouping), DISTINCT or string_agg.
bool CombinesExactly(const AggregateSpec& spec) {
  if (!spec.order.empty()) return false;
  if (spec.func == AggFunc::kCountStar) return true;
  if (spec.distinct) return false;
  const TypeId t = spec.arg->type.id();
  switch (spec.func) {
    case AggFunc::kCount:
    case AggFunc::kBoolAnd:
    case AggFunc::kBoolOr:
    case AggFunc::kMin:
    case AggFunc::kMax:
      return true;
    case AggFunc::kSum:
    case AggFunc::kAvg:
      return IsIntegerType(t) || t == TypeId::kNumeric;
    default:
      return false;
  }
}

class AggregateSource : public RowSource {
 public:
  AggregateSource(RowSourcePtr child, std::vector<BoundExprPtr> keys,
                  std::vector<AggregateSpec> aggs, const EvalContext* ctx,
                  const ExecControl* control)
      : child_(std::move(child)),
        keys_(std::move(keys)),
        aggs_(std::move(aggs)),
        ctx_(ctx),
        control_(control) {}

  Result<bool> Next(Row* row) override {
    if (!done_) RETURN_IF_ERROR(Consume());
    if (next_ >= groups_.size()) return false;
    Group& g = groups_[next_++];
    *row = std::move(g.key);
    for (size_t i = 0; i < aggs_.size(); ++i) {
      ASSIGN_OR_RETURN(Value v, Final(aggs_[i], g.states[i]));
      row->push_back(std::move(v));
    }
    return true;
  }

  void Explain(int indent, std::vector<std::string>* lines) const override {
    lines->push_back(std::string(static_cast<size_t>(indent), ' ') +
                     (keys_.empty() ? "Aggregate" : "HashAggregate"));
    child_->Explain(indent + 2, lines);
  }
  void Rewind() override {
    child_->Rewind();
    groups_.clear();
    next_ = 0;
    done_ = false;
  }

 private:
  struct Group {
    Row key;
    std::vector<AggState> states;
  };

  Group NewGroup(Row key) {
    Group g;
    g.key = std::move(key);
    g.states.resize(aggs_.size());
    for (size_t i = 0; i < aggs_.size(); ++i) {
      if (aggs_[i].distinct) {
        g.states[i].seen = std::make_unique<std::unordered_set<Value, ValueHash, ValueEq>>();
      }
    }
    return g;
  }

  // The groups of the rows seen so far, in first-seen order, and the memory they hold.
  struct GroupTable {
    std::unordered_map<Row, size_t, KeyHash, KeyEq> index;  // unused without GROUP BY keys
    std::vector<Group> groups;
    size_t bytes = 0;
  };

  Status Consume() {
    done_ = true;
    ASSIGN_OR_RETURN(bool consumed, ConsumeInParallel());
    if (!consumed) {
      GroupTable table;
      Row input;
      Row key;
      uint64_t rows = 0;
      while (true) {
        ASSIGN_OR_RETURN(bool more, child_->Next(&input));
        if (!more) break;
        if (++rows % 256 == 0) RETURN_IF_ERROR(control_->Check());
        RETURN_IF_ERROR(AddRow(input, &key, &table));
      }
      groups_ = std::move(table.groups);
    }
    if (keys_.empty() && groups_.empty()) {
      groups_.push_back(NewGroup(Row()));
    }
    return Status::OK();
  }

  // Accumulates one input row into its group of *table, creating the group when it is new.
  // `key` is scratch space, reused so that a row of an existing group allocates nothing.
  Status AddRow(const Row& input, Row* key, GroupTable* table) {
    size_t g = 0;
    if (keys_.empty()) {  // one group: no key to hash
      if (table->groups.empty()) table->groups.push_back(NewGroup(Row()));
    } else {
      key->clear();
      for (const BoundExprPtr& k : keys_) {
        ASSIGN_OR_RETURN(Value v, Eval(*k, input, *ctx_));
        key->push_back(std::move(v));
      }
      auto it = table->index.find(*key);
      if (it == table->index.end()) {
        RETURN_IF_ERROR(ChargeGroup(*key, &table->bytes));
        g = table->groups.size();
        table->index.emplace(*key, g);
        table->groups.push_back(NewGroup(*key));
      } else {
        g = it->second;
      }
    }
    std::vector<AggState>& states = table->groups[g].states;
    for (size_t i = 0; i < aggs_.size(); ++i) {
      if (!AccumulateFast(aggs_[i], input, &states[i])) {
        RETURN_IF_ERROR(Accumulate(aggs_[i], input, &states[i], &table->bytes));
      }
    }
    return Status::OK();
  }

  // Counts a new group's memory against work_mem.
  Status ChargeGroup(const Row& key, size_t* bytes) const {
    *bytes += RowBytes(key) + aggs_.size() * sizeof(AggState) + 64;
    if (*bytes > control_->work_mem) {
      return Status::Busy("GROUP BY needs more than work_mem; raise work_mem")
          .WithSqlState("53200");
    }
    return Status::OK();
  }

  // Aggregates over a source that splits (a large table scan): each piece is aggregated into a
  // group table of its own on a thread of its own, and the tables are combined in key order, as
  // PostgreSQL's parallel workers do. Combining the pieces in order keeps the groups in the
  // first-seen order of a single pass. Each piece may use work_mem, as each PostgreSQL worker
  // may; the combined table is held to work_mem again. Handing rows to one aggregating thread
  // instead costs more than it saves: each row's memory then moves between the cores' caches.
  // True when consumed.
  Result<bool> ConsumeInParallel() {
    if (control_->parallel_workers < 2) return false;
    for (const AggregateSpec& a : aggs_) {
      if (!CombinesExactly(a) || (a.arg != nullptr && !ParallelSafe(*a.arg)) ||
          (a.filter != nullptr && !ParallelSafe(*a.filter))) {
        return false;
      }
    }
    for (const BoundExprPtr& k : keys_) {
      if (!ParallelSafe(*k)) return false;
    }
    ASSIGN_OR_RETURN(std::vector<RowSourcePtr> pieces,
                     child_->SplitForParallel(control_->parallel_workers));
    if (pieces.empty()) return false;
    if (control_->parallel_aggregates != nullptr) {
      control_->parallel_aggregates->fetch_add(1, std::memory_order_relaxed);
    }
    std::vector<GroupTable> tables(pieces.size());
    std::vector<Status> results(pieces.size());
    std::atomic<bool> stop{false};
    const TimeZone* zone = &SessionTimeZone();
    auto run = [&](size_t p) {
      ScopedSessionTimeZone session_zone(zone);
      results[p] = AggregatePiece(*pieces[p], &tables[p], stop);
      if (!results[p].ok()) stop = true;
    };
    std::vector<std::thread> threads;
    for (size_t p = 1; p < pieces.size(); ++p) threads.emplace_back(run, p);
    run(0);
    for (std::thread& t : threads) t.join();
    for (const Status& s : results) RETURN_IF_ERROR(s);
    GroupTable& out = tables[0];
    for (size_t p = 1; p < tables.size(); ++p) {
      for (Group& g : tables[p].groups) {
        size_t into = 0;
        if (keys_.empty()) {
          if (out.groups.empty()) out.groups.push_back(NewGroup(Row()));
        } else {
          auto it = out.index.find(g.key);
          if (it == out.index.end()) {
            RETURN_IF_ERROR(ChargeGroup(g.key, &out.bytes));
            out.index.emplace(g.key, out.groups.size());
            out.groups.push_back(std::move(g));
            continue;
          }
          into = it->second;
        }
        for (size_t i = 0; i < aggs_.size(); ++i) {
          RETURN_IF_ERROR(Combine(aggs_[i], &g.states[i], &out.groups[into].states[i]));
        }
      }
      tables[p] = GroupTable();  // its memory is not needed any more
    }
    groups_ = std::move(out.groups);
    return true;
  }

  // Accumulates every row of `piece` into *table; stops early, with OK, once `stop` is set
  // (another piece failed).
  Status AggregatePiece(RowSource& piece, GroupTable* table, const std::atomic<bool>& stop) {
    Row input;
    Row key;
    uint64_t rows = 0;
    while (true) {
      ASSIGN_OR_RETURN(bool more, piece.Next(&input));
      if (!more) return Status::OK();
      if (++rows % 256 == 0) {
        RETURN_IF_ERROR(control_->Check());
        if (stop.load(std::memory_order_relaxed)) return Status::OK();
      }
      RETURN_IF_ERROR(AddRow(input, &key, table));
    }
  }

  // Moves a state's native sum or extreme into st.acc (native becomes kNone).
  static Status Normalize(const AggregateSpec& spec, AggState& st) {
    if (st.native == AggState::Native::kInt) {
      st.acc = Value::Int8(st.int_sum);
    } else if (st.native == AggState::Native::kNumeric) {
      st.acc = Value::Numeric(std::move(st.numeric_sum));
    } else if (st.native == AggState::Native::kScaled) {
      ASSIGN_OR_RETURN(Numeric n, NumericFromScaled(st.scaled_sum, st.scale));
      st.acc = Value::Numeric(std::move(n));
    } else if (st.native == AggState::Native::kIntExtreme) {
      st.acc = Value::Integer(spec.result_type.id(), st.int_sum);
    }
    st.native = AggState::Native::kNone;
    return Status::OK();
  }

  // Adds the partial state *from of the next key range into *into: the state both ranges' rows
  // would have given in one pass. REQUIRES: CombinesExactly(spec).
  static Status Combine(const AggregateSpec& spec, AggState* from, AggState* into) {
    RETURN_IF_ERROR(Normalize(spec, *from));
    RETURN_IF_ERROR(Normalize(spec, *into));
    into->count += from->count;
    if (from->acc.is_null()) return Status::OK();
    if (into->acc.is_null()) {
      into->acc = std::move(from->acc);
      return Status::OK();
    }
    switch (spec.func) {
      case AggFunc::kSum:
      case AggFunc::kAvg: {
        ASSIGN_OR_RETURN(into->acc, EvalBinary(BinaryOp::kAdd, into->acc, from->acc));
        return Status::OK();
      }
      case AggFunc::kMin:
      case AggFunc::kMax: {
        const int c = CompareForSort(from->acc, into->acc);
        if ((spec.func == AggFunc::kMin && c < 0) || (spec.func == AggFunc::kMax && c > 0)) {
          into->acc = std::move(from->acc);
        }
        return Status::OK();
      }
      case AggFunc::kBoolAnd:
      case AggFunc::kBoolOr: {
        const bool a = into->acc.bool_value();
        const bool b = from->acc.bool_value();
        into->acc = Value::Bool(spec.func == AggFunc::kBoolAnd ? (a && b) : (a || b));
        return Status::OK();
      }
      default:
        return Status::OK();  // counts: only `count`
    }
  }

  // Adds one row to an aggregate's state; *bytes counts what DISTINCT sets and string_agg hold.
  Status Accumulate(const AggregateSpec& spec, const Row& input, AggState* st, size_t* bytes) {
    if (spec.filter != nullptr) {
      ASSIGN_OR_RETURN(Value keep, Eval(*spec.filter, input, *ctx_));
      if (keep.is_null() || !keep.bool_value()) return Status::OK();
    }
    if (!spec.order.empty()) {
      Row kept;
      kept.reserve(2 + spec.order.size());
      if (spec.arg != nullptr) {
        ASSIGN_OR_RETURN(Value v, Eval(*spec.arg, input, *ctx_));
        kept.push_back(std::move(v));
      } else {
        kept.push_back(Value::Null());
      }
      if (spec.separator != nullptr) {
        ASSIGN_OR_RETURN(Value sep, Eval(*spec.separator, input, *ctx_));
        kept.push_back(std::move(sep));
      } else {
        kept.push_back(Value::Null());
      }
      for (const BoundExprPtr& o : spec.order) {
        ASSIGN_OR_RETURN(Value k, Eval(*o, input, *ctx_));
        kept.push_back(std::move(k));
      }
      *bytes += RowBytes(kept) + sizeof(Row);
      if (*bytes > control_->work_mem) {
        return Status::Busy("aggregate ORDER BY needs more than work_mem").WithSqlState("53200");
      }
      st->ordered.push_back(std::move(kept));
      return Status::OK();
    }
    if (spec.func == AggFunc::kCountStar) {
      ++st->count;
      return Status::OK();
    }
    // A plain column argument is read in place (no copy of its text or numeric digits, no Value
    // constructed per row).
    std::optional<Value> computed;
    if (spec.arg->kind != BoundKind::kColumn) {
      ASSIGN_OR_RETURN(computed, Eval(*spec.arg, input, *ctx_));
    }
    const Value& v = computed ? *computed : input[spec.arg->index];
    if (v.is_null()) return Status::OK();
    if (st->seen) {
      if (!st->seen->insert(v).second) return Status::OK();
      *bytes += RowBytes(Row{v});
      if (*bytes > control_->work_mem) {
        return Status::Busy("DISTINCT aggregate needs more than work_mem").WithSqlState("53200");
      }
    }
    ++st->count;
    switch (spec.func) {
      case AggFunc::kCount:
        return Status::OK();
      case AggFunc::kSum:
      case AggFunc::kAvg: {
        TypeId rt = spec.result_type.id();
        bool is_int = IsIntegerType(v.type());
        if (rt == TypeId::kInt8 && is_int) {
          if (__builtin_add_overflow(st->int_sum, v.int_value(), &st->int_sum)) {
            return NumericOutOfRange("bigint out of range");
          }
          st->native = AggState::Native::kInt;
          return Status::OK();
        }
        if (rt == TypeId::kNumeric && (is_int || v.type() == TypeId::kNumeric)) {
          if (st->native == AggState::Native::kNone || st->native == AggState::Native::kScaled) {
            if (AddScaled(v, st)) return Status::OK();
            // Leave the fast path: continue with a Numeric sum.
            if (st->native == AggState::Native::kScaled) {
              ASSIGN_OR_RETURN(st->numeric_sum, NumericFromScaled(st->scaled_sum, st->scale));
              st->native = AggState::Native::kNumeric;
            }
          }
          if (st->native == AggState::Native::kNone) {
            st->numeric_sum = is_int ? NumericFromInt64(v.int_value()) : v.numeric_value();
          } else if (is_int) {
            ASSIGN_OR_RETURN(st->numeric_sum,
                             NumericAdd(st->numeric_sum, NumericFromInt64(v.int_value())));
          } else {
            ASSIGN_OR_RETURN(st->numeric_sum, NumericAdd(st->numeric_sum, v.numeric_value()));
          }
          st->native = AggState::Native::kNumeric;
          return Status::OK();
        }
        // Other types accumulate as values of the result type (floats, intervals).
        ASSIGN_OR_RETURN(Value x, CastValue(v, spec.result_type, CastContext::kExplicit));
        if (st->acc.is_null()) {
          st->acc = std::move(x);
        } else {
          ASSIGN_OR_RETURN(st->acc, EvalBinary(BinaryOp::kAdd, st->acc, x));
        }
        return Status::OK();
      }
      case AggFunc::kMin:
      case AggFunc::kMax: {
        if (IsIntExtreme(spec, v)) {
          AddIntExtreme(spec.func, v.int_value(), st);
          return Status::OK();
        }
        if (st->acc.is_null()) {
          st->acc = v;
        } else {
          int c = CompareForSort(v, st->acc);
          if ((spec.func == AggFunc::kMin && c < 0) || (spec.func == AggFunc::kMax && c > 0)) {
            st->acc = v;
          }
        }
        return Status::OK();
      }
      case AggFunc::kBoolAnd:
      case AggFunc::kBoolOr: {
        bool b = v.bool_value();
        if (st->acc.is_null()) {
          st->acc = Value::Bool(b);
        } else {
          bool cur = st->acc.bool_value();
          st->acc = Value::Bool(spec.func == AggFunc::kBoolAnd ? (cur && b) : (cur || b));
        }
        return Status::OK();
      }
      case AggFunc::kStringAgg: {
        ASSIGN_OR_RETURN(Value sep, Eval(*spec.separator, input, *ctx_));
        std::string s = st->acc.is_null() ? std::string()
                                          : std::string(st->acc.bytes()) +
                                                std::string(sep.is_null() ? "" : sep.bytes());
        s += v.bytes();
        *bytes += v.bytes().size();
        if (*bytes > control_->work_mem) {
          return Status::Busy("string_agg needs more than work_mem").WithSqlState("53200");
        }
        st->acc = Value::Text(std::move(s));
        return Status::OK();
      }
      case AggFunc::kCountStar:
        break;
    }
    return Status::OK();
  }

  Result<Value> Final(const AggregateSpec& spec, AggState& st) {
    if (!spec.order.empty()) RETURN_IF_ERROR(AggregateInOrder(spec, &st));
    RETURN_IF_ERROR(Normalize(spec, st));
    switch (spec.func) {
      case AggFunc::kCountStar:
      case AggFunc::kCount:
        return Value::Int8(st.count);
      case AggFunc::kAvg: {
        if (st.acc.is_null()) return Value::Null(spec.result_type.id());
        Value n = spec.result_type.id() == TypeId::kFloat8 ? Value::Float8(st.count)
                  : spec.result_type.id() == TypeId::kInterval
                      ? Value::Float8(static_cast<double>(st.count))
                      : Value::Numeric(NumericFromInt64(st.count));
        return EvalBinary(BinaryOp::kDiv, st.acc, n);
      }
      default:
        if (st.acc.is_null()) return Value::Null(spec.result_type.id());
        return st.acc;
    }
  }

  // Sorts the rows an aggregate with ORDER BY kept (stable: equal keys stay in input order, as
  // PostgreSQL's sort of them keeps no other order either) and aggregates them in that order
  // into a fresh state.
  Status AggregateInOrder(const AggregateSpec& spec, AggState* st) {
    std::vector<Row> rows = std::move(st->ordered);
    std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
      for (size_t i = 0; i < spec.order.size(); ++i) {
        const Value& x = a[2 + i];
        const Value& y = b[2 + i];
        if (x.is_null() || y.is_null()) {
          if (x.is_null() && y.is_null()) continue;
          return x.is_null() == static_cast<bool>(spec.order_nulls_first[i]);
        }
        const int c = CompareForSort(x, y);
        if (c != 0) return spec.order_desc[i] ? c > 0 : c < 0;
      }
      return false;
    });
    AggregateSpec plain;  // the same aggregate over the kept values: column 0, separator 1
    plain.func = spec.func;
    plain.distinct = spec.distinct;
    plain.result_type = spec.result_type;
    if (spec.arg != nullptr) plain.arg = MakeColumn(0, spec.arg->type);
    if (spec.separator != nullptr) plain.separator = MakeColumn(1, spec.separator->type);
    AggState fresh;
    if (spec.distinct) {
      fresh.seen = std::make_unique<std::unordered_set<Value, ValueHash, ValueEq>>();
    }
    size_t bytes = 0;
    for (const Row& r : rows) RETURN_IF_ERROR(Accumulate(plain, r, &fresh, &bytes));
    *st = std::move(fresh);
    return Status::OK();
  }

  RowSourcePtr child_;
  std::vector<BoundExprPtr> keys_;
  std::vector<AggregateSpec> aggs_;
  const EvalContext* ctx_;
  const ExecControl* control_;
  std::vector<Group> groups_;
  size_t next_ = 0;
  bool done_ = false;
};

}  // namespace

RowSourcePtr MakeAggregateSource(RowSourcePtr child, std::vector<BoundExprPtr> keys,
                                 std::vector<AggregateSpec> aggregates, const EvalContext* ctx,
                                 const ExecControl* control) {
  return std::make_unique<AggregateSource>(std::move(child), std::move(keys), std::move(aggregates),
                                           ctx, control);
}

}  // namespace blockdb::sql::exec
