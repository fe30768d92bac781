// Scalar functions. Text functions work on characters (UTF-8 code points), as PostgreSQL does
// with a UTF-8 database; lower() and upper() change ASCII letters only, which is what
// PostgreSQL's C collation does.
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cmath>

#include "sql/exec/catalog_relations.h"
#include "sql/exec/eval.h"
#include "sql/types/cast.h"
#include "sql/types/compare.h"
#include "sql/types/errors.h"
#include "sql/types/json.h"
#include "sql/types/numeric.h"
#include "sql/types/operators.h"
#include "sql/types/timezone.h"

namespace blockdb::sql::exec {
namespace {

size_t CharLen(unsigned char c) { return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4; }

// Byte offsets of each character start, plus the end.
std::vector<size_t> CharOffsets(std::string_view s) {
  std::vector<size_t> offsets;
  for (size_t i = 0; i < s.size(); i += CharLen(static_cast<unsigned char>(s[i]))) {
    offsets.push_back(i);
  }
  offsets.push_back(s.size());
  return offsets;
}

int64_t CharCount(std::string_view s) { return static_cast<int64_t>(CharOffsets(s).size()) - 1; }

// substring(s from start for count) with PostgreSQL's clamping (start may be <= 0).
Result<std::string> Substring(std::string_view s, int64_t start, std::optional<int64_t> count) {
  std::vector<size_t> off = CharOffsets(s);
  int64_t n = static_cast<int64_t>(off.size()) - 1;
  int64_t begin = start;
  int64_t end = n + 1;
  if (count) {
    if (*count < 0) {
      return Status::InvalidArgument("negative substring length not allowed")
          .WithSqlState("22011");
    }
    end = start + *count;
    if (end < start) {  // overflow
      end = n + 1;
    }
  }
  begin = std::max<int64_t>(begin, 1);
  end = std::min<int64_t>(end, n + 1);
  if (begin >= end) {
    return std::string();
  }
  return std::string(s.substr(off[begin - 1], off[end - 1] - off[begin - 1]));
}

std::string Trim(std::string_view s, std::string_view chars, bool left, bool right) {
  auto in_set = [&](std::string_view ch) { return chars.find(ch) != std::string_view::npos; };
  std::vector<size_t> off = CharOffsets(s);
  size_t b = 0, e = off.size() - 1;
  while (left && b < e && in_set(s.substr(off[b], off[b + 1] - off[b]))) ++b;
  while (right && e > b && in_set(s.substr(off[e - 1], off[e] - off[e - 1]))) --e;
  return std::string(s.substr(off[b], off[e] - off[b]));
}

Result<Value> TextOf(const Value& v) {
  if (v.type() == TypeId::kText || v.type() == TypeId::kVarchar ||
      v.type() == TypeId::kUnknown) {
    return Value::Text(std::string(v.bytes()));
  }
  return CastValue(v, Type::Of(TypeId::kText), CastContext::kExplicit);
}

Result<Value> Numeric1(Func f, const Value& v, std::optional<int32_t> scale) {
  if (v.type() == TypeId::kNumeric) {
    const Numeric& n = v.numeric_value();
    switch (f) {
      case Func::kRound:
        return EvalRound(v, scale.value_or(0));
      case Func::kTrunc: {
        ASSIGN_OR_RETURN(Numeric t, NumericTrunc(n, scale.value_or(0)));
        return Value::Numeric(std::move(t));
      }
      case Func::kFloor:
      case Func::kCeil: {
        ASSIGN_OR_RETURN(Numeric t, NumericTrunc(n, 0));
        int c = NumericCompare(t, n);
        if ((f == Func::kFloor && c > 0) || (f == Func::kCeil && c < 0)) {
          ASSIGN_OR_RETURN(t, NumericAdd(t, NumericFromInt64(f == Func::kFloor ? -1 : 1)));
        }
        ASSIGN_OR_RETURN(t, NumericTrunc(t, 0));
        return Value::Numeric(std::move(t));
      }
      default:
        break;
    }
  }
  if (scale) {
    ASSIGN_OR_RETURN(Value n, CastValue(v, Type::Of(TypeId::kNumeric), CastContext::kImplicit));
    return Numeric1(f, n, scale);
  }
  ASSIGN_OR_RETURN(Value d, CastValue(v, Type::Of(TypeId::kFloat8), CastContext::kImplicit));
  double x = d.float_value();
  switch (f) {
    case Func::kRound:
      return Value::Float8(std::nearbyint(x));
    case Func::kTrunc:
      return Value::Float8(std::trunc(x));
    case Func::kFloor:
      return Value::Float8(std::floor(x));
    case Func::kCeil:
      return Value::Float8(std::ceil(x));
    default:
      break;
  }
  return Status::InvalidArgument("bad numeric function").WithSqlState("XX000");
}

// sign(): -1, 0 or 1 of the argument's type (numeric with scale 0); NaN stays NaN for numeric
// and is 0 for double precision, as in PostgreSQL.
Result<Value> Sign(const Value& v) {
  if (v.type() == TypeId::kNumeric) {
    const Numeric& n = v.numeric_value();
    if (n.is_nan()) return v;
    const int s = n.kind == Numeric::Kind::kPosInfinity   ? 1
                  : n.kind == Numeric::Kind::kNegInfinity ? -1
                  : n.is_zero()                           ? 0
                  : n.negative                            ? -1
                                                          : 1;
    return Value::Numeric(NumericFromInt64(s));
  }
  ASSIGN_OR_RETURN(Value d, CastValue(v, Type::Of(TypeId::kFloat8), CastContext::kImplicit));
  const double x = d.float_value();
  return Value::Float8(x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0);
}

std::string Md5Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_md5(), nullptr);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

Result<Value> Greatest(const std::vector<Value>& args, bool greatest, TypeId type) {
  std::optional<Value> best;
  for (const Value& v : args) {
    if (v.is_null()) {
      continue;
    }
    if (!best) {
      best = v;
      continue;
    }
    int c = CompareForSort(v, *best);
    if ((greatest && c > 0) || (!greatest && c < 0)) {
      best = v;
    }
  }
  return best ? *best : Value::Null(type);
}

}  // namespace

Result<Value> EvalFunction(const BoundExpr& e, std::vector<Value>& args, const EvalContext& ctx) {
  const TypeId result = e.type.id();
  if (e.func >= Func::kRegexMatch) return EvalCatalogFunction(e, args, ctx);
  // Functions that look at NULL arguments themselves.
  switch (e.func) {
    case Func::kCoalesce:
      for (Value& v : args) {
        if (!v.is_null()) return std::move(v);
      }
      return Value::Null(result);
    case Func::kGreatest:
    case Func::kLeast:
      return Greatest(args, e.func == Func::kGreatest, result);
    case Func::kConcat: {
      std::string out;
      for (const Value& v : args) {
        if (v.is_null()) continue;
        ASSIGN_OR_RETURN(Value t, TextOf(v));
        out += t.bytes();
      }
      return Value::Text(std::move(out));
    }
    case Func::kNullIf: {
      if (args[0].is_null() || args[1].is_null()) return args[0];
      ASSIGN_OR_RETURN(std::optional<int> c, CompareValues(args[0], args[1]));
      return c && *c == 0 ? Value::Null(result) : args[0];
    }
    case Func::kNow:
      return Value::Timestamptz(ctx.statement_time);
    case Func::kClockTimestamp:
      return Value::Timestamptz(NowMicros());
    case Func::kLocalTimestamp:
      return Value::Timestamp(SessionTimeZone().ToLocal(ctx.statement_time));
    case Func::kCurrentDate: {
      const int64_t local = SessionTimeZone().ToLocal(ctx.statement_time);
      return Value::Date(
          static_cast<int32_t>((local >= 0 ? local : local - 86399999999) / 86400000000));
    }
    case Func::kVersion:
      return Value::Text("PostgreSQL " + ctx.server_version +
                         " (BlockDB), compiled by g++, 64-bit");
    case Func::kCurrentDatabase:
      return Value::Text(ctx.database);
    case Func::kCurrentSchema:
      return Value::Text("public");
    case Func::kCurrentUser:
      return Value::Text(ctx.user);
    case Func::kPgBackendPid:
      return Value::Int4(ctx.backend_pid);
    case Func::kGenRandomUuid: {
      unsigned char b[16];
      if (RAND_bytes(b, sizeof(b)) != 1) {
        return Status::IOError("could not generate random values").WithSqlState("XX000");
      }
      b[6] = (b[6] & 0x0f) | 0x40;
      b[8] = (b[8] & 0x3f) | 0x80;
      return Value::Uuid(std::string(reinterpret_cast<char*>(b), 16));
    }
    default:
      break;
  }
  // Strict functions: NULL in, NULL out.
  for (const Value& v : args) {
    if (v.is_null()) {
      return Value::Null(result);
    }
  }
  switch (e.func) {
    case Func::kLower:
    case Func::kUpper: {
      std::string s(args[0].bytes());
      for (char& c : s) {
        if (e.func == Func::kLower && c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
        if (e.func == Func::kUpper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
      }
      return Value::Text(std::move(s));
    }
    case Func::kLength:
      if (args[0].type() == TypeId::kBytea) {
        return Value::Int4(static_cast<int32_t>(args[0].bytes().size()));
      }
      return Value::Int4(static_cast<int32_t>(CharCount(args[0].bytes())));
    case Func::kOctetLength:
      return Value::Int4(static_cast<int32_t>(args[0].bytes().size()));
    case Func::kSubstring: {
      std::optional<int64_t> count;
      if (args.size() > 2) count = args[2].int_value();
      ASSIGN_OR_RETURN(std::string s, Substring(args[0].bytes(), args[1].int_value(), count));
      return Value::Text(std::move(s));
    }
    case Func::kLeft:
    case Func::kRight: {
      int64_t n = CharCount(args[0].bytes());
      int64_t k = args[1].int_value();
      int64_t keep = k >= 0 ? std::min(k, n) : std::max<int64_t>(0, n + k);
      int64_t start = e.func == Func::kLeft ? 1 : n - keep + 1;
      ASSIGN_OR_RETURN(std::string s, Substring(args[0].bytes(), start, keep));
      return Value::Text(std::move(s));
    }
    case Func::kRepeat: {
      int64_t k = std::max<int64_t>(0, args[1].int_value());
      if (static_cast<double>(k) * args[0].bytes().size() > (1 << 30)) {
        return Status::InvalidArgument("requested length too large").WithSqlState("54000");
      }
      std::string out;
      for (int64_t i = 0; i < k; ++i) out += args[0].bytes();
      return Value::Text(std::move(out));
    }
    case Func::kReverse: {
      std::string_view s = args[0].bytes();
      std::vector<size_t> off = CharOffsets(s);
      std::string out;
      for (size_t i = off.size() - 1; i > 0; --i) out += s.substr(off[i - 1], off[i] - off[i - 1]);
      return Value::Text(std::move(out));
    }
    case Func::kBtrim:
    case Func::kLtrim:
    case Func::kRtrim: {
      std::string_view chars = args.size() > 1 ? args[1].bytes() : std::string_view(" ");
      return Value::Text(Trim(args[0].bytes(), chars, e.func != Func::kRtrim,
                              e.func != Func::kLtrim));
    }
    case Func::kReplace: {
      std::string s(args[0].bytes());
      std::string_view from = args[1].bytes(), to = args[2].bytes();
      if (from.empty()) return Value::Text(std::move(s));
      std::string out;
      size_t pos = 0;
      for (size_t hit; (hit = s.find(from, pos)) != std::string::npos; pos = hit + from.size()) {
        out += s.substr(pos, hit - pos);
        out += to;
      }
      out += s.substr(pos);
      return Value::Text(std::move(out));
    }
    case Func::kPosition: {
      std::string_view s = args[0].bytes();
      size_t hit = s.find(args[1].bytes());
      return Value::Int4(hit == std::string_view::npos
                             ? 0
                             : static_cast<int32_t>(CharCount(s.substr(0, hit)) + 1));
    }
    case Func::kMd5:
      return Value::Text(Md5Hex(args[0].bytes()));
    case Func::kToHex: {
      char buf[32];
      snprintf(buf, sizeof(buf), "%llx", static_cast<unsigned long long>(args[0].int_value()));
      return Value::Text(buf);
    }
    case Func::kAbs:
      return EvalAbs(args[0]);
    case Func::kSign:
      return Sign(args[0]);
    case Func::kJsonGet:
    case Func::kJsonGetText: {
      JsonStep step = args[1].type() == TypeId::kText || args[1].type() == TypeId::kVarchar
                          ? JsonStep(args[1].bytes())
                          : JsonStep(args[1].int_value());
      const bool as_text = e.func == Func::kJsonGetText;
      ASSIGN_OR_RETURN(std::optional<std::string> got,
                       JsonGet(args[0].bytes(), args[0].type() == TypeId::kJsonb, step, as_text));
      if (!got) return Value::Null(result);
      if (as_text) return Value::Text(std::move(*got));
      return result == TypeId::kJsonb ? Value::Jsonb(std::move(*got))
                                      : Value::Json(std::move(*got));
    }
    case Func::kJsonGetPath:
    case Func::kJsonGetPathText: {
      const bool as_text = e.func == Func::kJsonGetPathText;
      ASSIGN_OR_RETURN(std::optional<std::string> got,
                       JsonGetPath(args[0].bytes(), ArrayTextItems(args[1].bytes()), as_text));
      if (!got) return Value::Null(result);
      if (as_text) return Value::Text(std::move(*got));
      return result == TypeId::kJsonb ? Value::Jsonb(std::move(*got))
                                      : Value::Json(std::move(*got));
    }
    case Func::kJsonbContains:
      return Value::Bool(JsonbContains(args[0].bytes(), args[1].bytes()));
    case Func::kJsonbExists:
      return Value::Bool(JsonbExists(args[0].bytes(), args[1].bytes()));
    case Func::kJsonbExistsAny:
    case Func::kJsonbExistsAll: {
      const bool all = e.func == Func::kJsonbExistsAll;
      for (const std::string& key : ArrayTextItems(args[1].bytes())) {
        if (JsonbExists(args[0].bytes(), key) != all) return Value::Bool(!all);
      }
      return Value::Bool(all);
    }
    case Func::kRound:
    case Func::kTrunc:
    case Func::kFloor:
    case Func::kCeil: {
      std::optional<int32_t> scale;
      if (args.size() > 1) scale = static_cast<int32_t>(args[1].int_value());
      return Numeric1(e.func, args[0], scale);
    }
    case Func::kSqrt: {
      double x = args[0].float_value();
      if (x < 0) {
        return Status::InvalidArgument("cannot take square root of a negative number")
            .WithSqlState("2201F");
      }
      return Value::Float8(std::sqrt(x));
    }
    case Func::kPower:  // bound as the ^ operator; kept for completeness
      return EvalBinary(BinaryOp::kPow, args[0], args[1]);
    case Func::kMod:
      return EvalBinary(BinaryOp::kMod, args[0], args[1]);
    case Func::kDateTrunc: {
      std::string unit(args[0].bytes());
      for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return EvalDateTrunc(unit, args[1]);
    }
    case Func::kAtTimeZone: {
      if (args[0].is_null() || args[1].is_null()) {
        return Value::Null(result);
      }
      TimeZone zone;
      if (args[0].type() == TypeId::kInterval) {
        const Interval& i = args[0].interval_value();
        if (i.months != 0 || i.days != 0) {
          return InvalidParameterValue("interval time zone \"" + FormatInterval(i) +
                                       "\" must not include months or days");
        }
        zone = TimeZone::FixedOffset(i.microseconds / kMicrosPerSecond);
      } else {
        ASSIGN_OR_RETURN(zone, TimeZone::ForInput(args[0].bytes()));
      }
      const int64_t t = args[1].timestamp_value();
      const int64_t r = args[1].type() == TypeId::kTimestamptz ? zone.ToLocal(t) : zone.ToUtc(t);
      if (IsFiniteTimestamp(r) && (r < kMinTimestamp || r >= kEndTimestamp)) {
        return DatetimeOutOfRange("timestamp out of range");
      }
      return result == TypeId::kTimestamp ? Value::Timestamp(r) : Value::Timestamptz(r);
    }
    case Func::kExtract: {
      std::string unit(args[0].bytes());
      for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      ASSIGN_OR_RETURN(Value v, EvalExtract(unit, args[1]));
      if (result == TypeId::kFloat8 && !v.is_null()) {
        return CastValue(v, Type::Of(TypeId::kFloat8), CastContext::kExplicit);
      }
      return v;
    }
    case Func::kCurrentSetting: {
      std::string name(args[0].bytes());
      std::optional<std::string> v = ctx.setting ? ctx.setting(name) : std::nullopt;
      if (!v) {
        if (args.size() > 1 && args[1].bool_value()) return Value::Null(TypeId::kText);
        return Status::InvalidArgument("unrecognized configuration parameter \"" + name + "\"")
            .WithSqlState("42704");
      }
      return Value::Text(*v);
    }
    default:
      break;
  }
  return Status::InvalidArgument("function not implemented").WithSqlState("XX000");
}

}  // namespace blockdb::sql::exec
