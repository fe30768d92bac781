// The catalog functions (format_type, pg_get_indexdef, regclass input and output...) and the
// regular-expression operators ~ ~* !~ !~*. Regular expressions are POSIX extended syntax as
// std::regex reads it, plus the class shorthands \d \s \w \D \S \W and character escapes of
// PostgreSQL's ARE (a superset; back-references, lookahead and \m \M \y are not supported).
#include <algorithm>
#include <cctype>
#include <regex>

#include "sql/ast.h"
#include "sql/exec/catalog_relations.h"
#include "sql/exec/eval.h"
#include "sql/types/cast.h"
#include "sql/types/errors.h"

namespace blockdb::sql::exec {
namespace {

constexpr char kSqlStateInvalidRegex[] = "2201B";
constexpr char kSqlStateUndefinedObject[] = "42704";

// PostgreSQL's class shorthands, as the bracket-expression classes they name (C locale:
// ASCII), or nullptr.
const char* ShorthandClass(char c) {
  switch (c) {
    case 'd':
    case 'D':
      return "[:digit:]";
    case 's':
    case 'S':
      return "[:space:]";
    case 'w':
    case 'W':
      return "[:alnum:]_";
    default:
      return nullptr;
  }
}

// The character a control escape (\t \n \r \f \v) stands for, or nullptr.
const char* ControlEscape(char c) {
  switch (c) {
    case 't':
      return "\t";
    case 'n':
      return "\n";
    case 'r':
      return "\r";
    case 'f':
      return "\f";
    case 'v':
      return "\v";
    default:
      return nullptr;
  }
}

// Translates the bracket expression of `p` starting at p[*i] == '['; on return p[*i] is its
// closing ']'. nullopt when it is not closed (std::regex reports it). `flags`: the pattern's.
Result<std::optional<std::string>> TranslateBracket(std::string_view p, size_t* i,
                                                    std::regex::flag_type flags) {
  size_t j = *i + 1;
  const bool negate = j < p.size() && p[j] == '^';
  if (negate) ++j;
  std::string body;
  if (j < p.size() && p[j] == ']') body += p[j++];  // a leading ] is a member
  bool close = false, caret = false, dash = false;
  std::vector<std::string> excluded;  // classes named by \D \S \W: members are outside them
  for (; j < p.size() && p[j] != ']'; ++j) {
    const char c = p[j];
    const char next = j + 1 < p.size() ? p[j + 1] : '\0';
    if (c == '[' && (next == ':' || next == '.' || next == '=')) {
      // [:alpha:], [.x.] and [=x=] are copied whole: a ']' inside does not end the bracket.
      const size_t end = p.find(std::string{next, ']'}, j + 2);
      const size_t stop = end == std::string_view::npos ? p.size() : end + 2;
      body += p.substr(j, stop - j);
      j = stop - 1;
      continue;
    }
    if (c != '\\' || next == '\0') {
      body += c;
      continue;
    }
    ++j;
    if (const char* cls = ShorthandClass(next)) {
      if (std::isupper(static_cast<unsigned char>(next))) {
        excluded.emplace_back(cls);
      } else {
        body += cls;
      }
    } else if (const char* ctl = ControlEscape(next)) {
      body += ctl;
    } else if (next == ']' || next == '^' || next == '-') {
      // Placed where POSIX reads them as members: ] first, ^ not first, - last.
      (next == ']' ? close : next == '^' ? caret : dash) = true;
    } else if (std::isalnum(static_cast<unsigned char>(next))) {
      body += c;  // other letter escapes: kept, as before
      body += next;
    } else {
      body += next;  // POSIX brackets take a backslash literally
    }
  }
  if (j >= p.size()) return std::optional<std::string>();
  *i = j;
  std::string members = (close ? "]" : "") + body + (caret ? "^" : "") + (dash ? "-" : "");
  if (!negate && !members.empty() && members[0] == '^') {
    members = members.substr(1) + "^";
    if (members == "^") members = "\\^";  // a lone caret, outside brackets
  }
  const std::string set =
      members == "\\^" ? members : "[" + std::string(negate ? "^" : "") + members + "]";
  if (excluded.empty()) return std::optional<std::string>(set);
  if (!negate) {
    // [x\D]: x, or any character outside [:digit:].
    std::string alternatives = members.empty() ? "" : set;
    for (const std::string& cls : excluded) {
      alternatives += (alternatives.empty() ? "[^" : "|[^") + cls + "]";
    }
    return std::optional<std::string>("(" + alternatives + ")");
  }
  // [^x\D] is the digits outside x: POSIX cannot intersect sets, but the shorthand classes are
  // small (C locale: ASCII), so their members are listed, less those [x] matches.
  std::string listed;
  for (int ch = 1; ch < 128; ++ch) {
    const char c = static_cast<char>(ch);
    bool in_all = true;
    const bool digit = c >= '0' && c <= '9';
    const bool space = c == ' ' || (c >= '\t' && c <= '\r');
    const bool word = digit || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    for (const std::string& cls : excluded) {
      in_all = in_all && (cls == "[:digit:]" ? digit : cls == "[:space:]" ? space : word);
    }
    if (!in_all) continue;
    if (!members.empty()) {
      try {
        if (std::regex_match(std::string(1, c), std::regex("[" + members + "]", flags))) continue;
      } catch (const std::regex_error& e) {
        return Status::InvalidArgument("invalid regular expression: " + std::string(e.what()))
            .WithSqlState(kSqlStateInvalidRegex);
      }
    }
    listed += c;
  }
  // No character at all: an expression that never matches (a character after the end).
  return std::optional<std::string>(listed.empty() ? "($.)" : "[" + listed + "]");
}

// Rewrites the escapes of PostgreSQL's advanced regular expressions that POSIX extended syntax
// lacks: the class shorthands \d \s \w \D \S \W (also inside brackets) become bracket
// expressions, \t \n \r \f \v their characters, and an escaped punctuation character itself
// (outside brackets POSIX allows escaping only its own operators).
Result<std::string> TranslateAreEscapes(std::string_view p, std::regex::flag_type flags) {
  static constexpr std::string_view kOperators = ".[]\\*+?{}|()^$";
  std::string out;
  for (size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    const char next = i + 1 < p.size() ? p[i + 1] : '\0';
    if (c == '[') {
      ASSIGN_OR_RETURN(std::optional<std::string> set, TranslateBracket(p, &i, flags));
      if (!set) {
        out += p.substr(i);
        break;
      }
      out += *set;
      continue;
    }
    if (c != '\\' || next == '\0') {
      out += c;
      continue;
    }
    ++i;
    if (const char* cls = ShorthandClass(next)) {
      out += std::isupper(static_cast<unsigned char>(next)) ? "[^" : "[";
      out += cls;
      out += ']';
    } else if (const char* ctl = ControlEscape(next)) {
      out += ctl;
    } else if (std::isalnum(static_cast<unsigned char>(next)) ||
               kOperators.find(next) != std::string_view::npos) {
      out += c;  // an operator escaped, or a letter escape std::regex rejects, as before
      out += next;
    } else {
      out += next;
    }
  }
  return out;
}

Result<bool> RegexMatch(std::string_view text, const std::string& pattern, bool icase) {
  // One compiled pattern per thread: catalog queries compare many rows with one pattern.
  thread_local std::string cached_pattern;
  thread_local bool cached_icase = false;
  thread_local std::optional<std::regex> cached;
  if (!cached || cached_pattern != pattern || cached_icase != icase) {
    auto flags = std::regex::extended | std::regex::nosubs;
    if (icase) flags |= std::regex::icase;
    ASSIGN_OR_RETURN(std::string posix, TranslateAreEscapes(pattern, flags));
    try {
      cached.emplace(posix, flags);
    } catch (const std::regex_error& e) {
      cached.reset();
      return Status::InvalidArgument("invalid regular expression: " + std::string(e.what()))
          .WithSqlState(kSqlStateInvalidRegex);
    }
    cached_pattern = pattern;
    cached_icase = icase;
  }
  try {
    return std::regex_search(text.begin(), text.end(), *cached);
  } catch (const std::regex_error& e) {
    return Status::InvalidArgument("regular expression failed: " + std::string(e.what()))
        .WithSqlState(kSqlStateInvalidRegex);
  }
}

// Elements of an array's text form "{a,b}" joined by `sep` (NULLs left out).
std::string ArrayToString(std::string_view array, std::string_view sep) {
  if (array.size() < 2 || array.front() != '{' || array.back() != '}') return std::string(array);
  std::string out;
  bool first = true;
  for (const std::string& item : ArrayTextItems(array)) {
    out += (first ? "" : std::string(sep)) + item;
    first = false;
  }
  return out;
}

// An OID or integer argument (an unknown literal such as '16384' included).
Result<Value> IntArg(const Value& v) {
  return CastValue(v, Type::Of(TypeId::kInt8), CastContext::kExplicit);
}

Value TextOrNull(const std::optional<std::string>& s) {
  return s ? Value::Text(*s) : Value::Null(TypeId::kText);
}

Result<Value> CatalogLookup(const BoundExpr& e, std::vector<Value>& args, const EvalContext& ctx) {
  static const Catalog* const kNoCatalog = nullptr;
  if (ctx.catalog == kNoCatalog) return Value::Null(e.type.id());
  const Catalog& catalog = *ctx.catalog;
  if (e.func == Func::kRegclassIn) {
    std::string name(args[0].bytes());
    std::optional<int64_t> oid = RelationOid(catalog, name);
    if (oid) return Value::Int8(*oid);
    if (!e.negated) return Value::Null(TypeId::kInt8);
    return Status::InvalidArgument("relation \"" + name + "\" does not exist")
        .WithSqlState(kSqlStateUndefinedTable);
  }
  ASSIGN_OR_RETURN(Value arg, IntArg(args[0]));
  const int64_t oid = arg.int_value();
  switch (e.func) {
    case Func::kPgGetUserById:
      return TextOrNull(RoleName(catalog, oid, ctx.user));
    case Func::kPgGetIndexDef: {
      int column = 0;
      if (args.size() > 1 && !args[1].is_null()) {
        ASSIGN_OR_RETURN(Value c, IntArg(args[1]));
        column = static_cast<int>(c.int_value());
      }
      return TextOrNull(IndexDefinition(catalog, oid,
                                        args.size() > 2 && !args[2].is_null() &&
                                            args[2].type() == TypeId::kBool && args[2].bool_value(),
                                        column));
    }
    case Func::kPgGetConstraintDef:
      return TextOrNull(ConstraintDefinition(catalog, oid));
    case Func::kRegclassOut: {
      std::optional<std::string> name = RelationName(catalog, oid);
      return Value::Text(name ? QuoteIdentifierIfNeeded(*name) : std::to_string(oid));
    }
    default:
      break;
  }
  return Status::InvalidArgument("function not implemented").WithSqlState("XX000");
}

// A JSON string literal of `s`.
std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// A value as to_json shows it: numbers and booleans bare, JSON as is, the rest as strings.
std::string JsonOf(const Value& v) {
  if (v.is_null()) return "null";
  switch (v.type()) {
    case TypeId::kBool:
      return v.bool_value() ? "true" : "false";
    case TypeId::kInt2:
    case TypeId::kInt4:
    case TypeId::kInt8:
    case TypeId::kNumeric:
    case TypeId::kJson:
    case TypeId::kJsonb:
      return FormatValue(v);
    case TypeId::kFloat4:
    case TypeId::kFloat8: {
      std::string f = FormatValue(v);
      return f == "NaN" || f == "Infinity" || f == "-Infinity" ? JsonString(f) : f;
    }
    default:
      return JsonString(FormatValue(v));
  }
}

// json_build_object(k1, v1, ...): {"k1" : v1, ...} as PostgreSQL spells it.
Result<Value> JsonBuildObject(const std::vector<Value>& args) {
  if (args.size() % 2 != 0) {
    return InvalidParameterValue("argument list must have even number of elements");
  }
  std::string out = "{";
  for (size_t i = 0; i < args.size(); i += 2) {
    if (args[i].is_null()) {
      return Status::InvalidArgument("null value not allowed for object key").WithSqlState("22004");
    }
    out += (i > 0 ? ", " : "") + JsonString(FormatValue(args[i])) + " : " + JsonOf(args[i + 1]);
  }
  return Value::Json(out + "}");
}

// format(fmt, args...): %s (NULL as ''), %I (quoted identifier), %L (quoted literal, NULL
// unquoted), %%; 22023 for another conversion or too few arguments.
Result<Value> Format(const std::vector<Value>& args) {
  if (args[0].is_null()) return Value::Null(TypeId::kText);
  std::string_view fmt = args[0].bytes();
  std::string out;
  size_t next = 1;
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') {
      out += fmt[i];
      continue;
    }
    if (++i >= fmt.size()) return InvalidParameterValue("unterminated format() type specifier");
    char c = fmt[i];
    if (c == '%') {
      out += '%';
      continue;
    }
    if (c != 's' && c != 'I' && c != 'L') {
      return InvalidParameterValue("unrecognized format() type specifier \"" + std::string(1, c) +
                                   "\"");
    }
    if (next >= args.size()) return InvalidParameterValue("too few arguments for format()");
    const Value& v = args[next++];
    if (v.is_null()) {
      if (c == 'I') {
        return Status::InvalidArgument("null values cannot be formatted as an SQL identifier")
            .WithSqlState("22004");
      }
      out += c == 'L' ? "NULL" : "";
      continue;
    }
    std::string text = FormatValue(v);
    if (c == 's') {
      out += text;
    } else if (c == 'I') {
      out += QuoteIdentifierIfNeeded(text);
    } else {
      bool backslash = text.find('\\') != std::string::npos;
      out += backslash ? "E'" : "'";
      for (char ch : text) {
        if (ch == '\'' || (backslash && ch == '\\')) out += ch;
        out += ch;
      }
      out += "'";
    }
  }
  return Value::Text(out);
}

// string_to_array(text, delimiter) in text form ("" gives {}, an empty delimiter one element).
Value StringToArray(std::string_view text, std::string_view delimiter) {
  std::vector<Value> items;
  if (!text.empty()) {
    if (delimiter.empty()) {
      items.push_back(Value::Text(std::string(text)));
    } else {
      size_t start = 0;
      while (true) {
        size_t end = text.find(delimiter, start);
        items.push_back(Value::Text(std::string(text.substr(start, end - start))));
        if (end == std::string_view::npos) break;
        start = end + delimiter.size();
      }
    }
  }
  return Value::Text(ArrayText(items));
}

// Field `field` (0: x, 1: n) of _pg_expandarray's record "(x,n)".
Result<Value> RecordField(std::string_view record, int field) {
  size_t comma = record.rfind(',');
  if (record.size() < 2 || record.front() != '(' || record.back() != ')' ||
      comma == std::string_view::npos) {
    return Status::InvalidArgument("malformed record literal: \"" + std::string(record) + "\"")
        .WithSqlState("22P02");
  }
  if (field == 0) return Value::Unknown(std::string(record.substr(1, comma - 1)));
  return ParseValue(record.substr(comma + 1, record.size() - comma - 2), Type::Of(TypeId::kInt4));
}

}  // namespace

std::vector<std::string> ArrayTextItems(std::string_view array) {
  std::vector<std::string> out;
  if (array.size() < 2 || array.front() != '{' || array.back() != '}') {
    // int2vector and oidvector: "1 2".
    for (size_t start = 0; start < array.size();) {
      size_t end = std::min(array.find(' ', start), array.size());
      if (end > start) out.emplace_back(array.substr(start, end - start));
      start = end + 1;
    }
    return out;
  }
  std::string_view body = array.substr(1, array.size() - 2);
  size_t i = 0;
  while (i < body.size()) {
    while (i < body.size() && body[i] == ' ') ++i;
    std::string item;
    bool quoted = i < body.size() && body[i] == '"';
    if (quoted) {
      for (++i; i < body.size() && body[i] != '"'; ++i) {
        if (body[i] == '\\' && i + 1 < body.size()) ++i;
        item += body[i];
      }
      ++i;  // the closing quote
      while (i < body.size() && body[i] != ',') ++i;
    } else {
      size_t comma = std::min(body.find(',', i), body.size());
      item = std::string(body.substr(i, comma - i));
      while (!item.empty() && item.back() == ' ') item.pop_back();
      i = comma;
    }
    if (quoted || (item != "NULL" && item != "null")) out.push_back(std::move(item));
    ++i;  // the comma
  }
  return out;
}

Result<Value> EvalCatalogFunction(const BoundExpr& e, std::vector<Value>& args,
                                  const EvalContext& ctx) {
  switch (e.func) {
    case Func::kAlwaysTrue:
      return Value::Bool(true);
    case Func::kAlwaysFalse:
      return Value::Bool(false);
    case Func::kZero:
      return Value::Int8(0);
    case Func::kNullText:
      return Value::Null(TypeId::kText);
    case Func::kJsonBuildObject:
      return JsonBuildObject(args);
    case Func::kFormat:
      return Format(args);
    case Func::kArrayCat:
      for (Value& v : args) {
        if (v.is_null()) v = Value::Text("{}");
      }
      break;
    case Func::kFormatType: {
      if (args[0].is_null()) return Value::Null(TypeId::kText);
      ASSIGN_OR_RETURN(Value oid, IntArg(args[0]));
      int32_t typmod = -1;
      if (!args[1].is_null()) {
        ASSIGN_OR_RETURN(Value m, IntArg(args[1]));
        typmod = static_cast<int32_t>(m.int_value());
      }
      std::optional<std::string> name = FormatTypeOid(oid.int_value(), typmod);
      return Value::Text(name ? *name : "???");
    }
    default:
      break;
  }
  for (const Value& v : args) {
    if (v.is_null()) return Value::Null(e.type.id());
  }
  switch (e.func) {
    case Func::kRegexMatch: {
      ASSIGN_OR_RETURN(
          bool m, RegexMatch(args[0].bytes(), std::string(args[1].bytes()), e.case_insensitive));
      return Value::Bool(m != e.negated);
    }
    case Func::kPgGetExpr:
      return Value::Text(std::string(args[0].bytes()));
    case Func::kCurrentSchemas:
      return Value::Text(args[0].bool_value() ? "{pg_catalog,public}" : "{public}");
    case Func::kQuoteIdent:
      return Value::Text(QuoteIdentifierIfNeeded(args[0].bytes()));
    case Func::kEncodingToChar: {
      ASSIGN_OR_RETURN(Value v, IntArg(args[0]));
      return Value::Text(v.int_value() == 6 ? "UTF8" : v.int_value() == 0 ? "SQL_ASCII" : "");
    }
    case Func::kStringToArray:
      return StringToArray(args[0].bytes(), args[1].bytes());
    case Func::kArrayLower: {
      ASSIGN_OR_RETURN(Value dim, IntArg(args[1]));
      if (ArrayTextItems(args[0].bytes()).empty() || dim.int_value() != 1) {
        return Value::Null(TypeId::kInt4);
      }
      return Value::Int4(args[0].bytes().empty() || args[0].bytes().front() == '{' ? 1 : 0);
    }
    case Func::kArraySubscript:
    case Func::kArrayUpper: {
      std::vector<std::string> items = ArrayTextItems(args[0].bytes());
      ASSIGN_OR_RETURN(Value i, IntArg(args[1]));
      if (e.func == Func::kArrayUpper) {
        if (items.empty() || i.int_value() != 1) return Value::Null(TypeId::kInt4);
        return Value::Int4(static_cast<int32_t>(items.size()));
      }
      int64_t lower = args.size() > 2 ? args[2].int_value() : 1;
      int64_t k = i.int_value() - lower;
      if (k < 0 || static_cast<uint64_t>(k) >= items.size()) return Value::Null(e.type.id());
      if (e.type.id() == TypeId::kUnknown) return Value::Unknown(items[k]);
      return ParseValue(items[k], e.type);
    }
    case Func::kArrayContains: {
      std::string x = FormatValue(args[0]);
      bool found = false;
      for (const std::string& item : ArrayTextItems(args[1].bytes())) found = found || item == x;
      return Value::Bool(found != e.negated);
    }
    case Func::kArrayCat: {
      std::vector<std::string> items = ArrayTextItems(args[0].bytes());
      for (std::string& item : ArrayTextItems(args[1].bytes())) items.push_back(std::move(item));
      std::vector<Value> values;
      for (std::string& item : items) values.push_back(Value::Text(std::move(item)));
      return Value::Text(ArrayText(values));
    }
    case Func::kPgGetFunctionResult:
    case Func::kPgGetFunctionArguments: {
      ASSIGN_OR_RETURN(Value oid, IntArg(args[0]));
      const LedgerProc* p = FindLedgerProc(oid.int_value());
      if (p == nullptr) return Value::Null(TypeId::kText);
      return Value::Text(e.func == Func::kPgGetFunctionResult ? p->result : p->arguments);
    }
    case Func::kArrayToString:
      return Value::Text(ArrayToString(args[0].bytes(), args[1].bytes()));
    case Func::kBitAnd:
    case Func::kBitOr:
    case Func::kBitXor: {
      int64_t a = args[0].int_value(), b = args[1].int_value();
      int64_t v = e.func == Func::kBitAnd ? (a & b) : e.func == Func::kBitOr ? (a | b) : (a ^ b);
      return e.type.id() == TypeId::kInt2   ? Value::Int2(static_cast<int16_t>(v))
             : e.type.id() == TypeId::kInt4 ? Value::Int4(static_cast<int32_t>(v))
                                            : Value::Int8(v);
    }
    case Func::kRecordField:
      return RecordField(args[0].bytes(), static_cast<int>(args[1].int_value()));
    case Func::kRegtypeOut: {
      std::optional<std::string> name = FormatTypeOid(args[0].int_value(), -1);
      return Value::Text(name ? *name : std::to_string(args[0].int_value()));
    }
    case Func::kRegtypeIn: {
      std::string name(args[0].bytes());
      std::optional<int64_t> oid = TypeOidByName(name);
      if (oid) return Value::Int8(*oid);
      return Status::InvalidArgument("type \"" + name + "\" does not exist")
          .WithSqlState(kSqlStateUndefinedObject);
    }
    case Func::kRegnamespaceOut: {
      int64_t oid = args[0].int_value();
      return Value::Text(oid == kPgCatalogNamespaceOid           ? "pg_catalog"
                         : oid == kPublicNamespaceOid            ? "public"
                         : oid == kInformationSchemaNamespaceOid ? "information_schema"
                                                                 : std::to_string(oid));
    }
    default:
      return CatalogLookup(e, args, ctx);
  }
}

}  // namespace blockdb::sql::exec
