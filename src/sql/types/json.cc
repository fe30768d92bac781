// JSON parsing, jsonb normalisation and ordering. Hand-written rather than with a JSON library:
// the result must reproduce PostgreSQL's exact acceptance rules, its key order and duplicate
// handling, numeric-typed numbers and its output spacing, none of which a general library offers.
#include "sql/types/json.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <memory>
#include <variant>
#include <vector>

#include "sql/types/errors.h"
#include "sql/types/internal/text_util.h"
#include "sql/types/numeric.h"
#include "sql/types/scalar_text.h"

namespace blockdb::sql {

namespace {

using internal::HexValue;
using internal::IsDigit;

struct JsonNode {
  enum class Kind { kNull, kString, kNumber, kBool, kArray, kObject };
  Kind kind = Kind::kNull;
  std::string text;  // string value (unescaped) or number text (numeric output form)
  Numeric number;
  bool boolean = false;
  std::vector<JsonNode> elements;
  std::vector<std::pair<std::string, JsonNode>> members;  // jsonb order, unique keys
  std::string_view raw;                                   // the value's text in the parsed document
};

// `detail` is what PostgreSQL sends as the error's DETAIL ("Token \"01\" is invalid."); a Status
// carries the primary message only, so it is kept here for whoever adds details to Status.
Status Invalid(std::string_view detail) {
  static_cast<void>(detail);
  return InvalidTextRepresentation("invalid input syntax for type json");
}

class Parser {
 public:
  // `build` false: validate only (json); true: build the tree (jsonb). `navigate`: build the
  // tree for -> and ->> on json or jsonb text, where numbers stay text (json allows numbers
  // numeric cannot hold).
  Parser(std::string_view text, bool build, bool navigate = false)
      : s_(text), build_(build || navigate), navigate_(navigate) {}

  Status ParseDocument(JsonNode* out) {
    SkipSpace();
    RETURN_IF_ERROR(ParseValue(out, 0));
    SkipSpace();
    if (pos_ != s_.size()) {
      return Invalid("Expected end of input, but found \"" + Token() + "\".");
    }
    return Status::OK();
  }

 private:
  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }

  // The token at pos_ for error details: a run of alphanumerics, or one character.
  std::string Token() const {
    size_t end = pos_;
    while (end < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[end])) ||
                               static_cast<unsigned char>(s_[end]) >= 0x80)) {
      ++end;
    }
    return std::string(s_.substr(pos_, std::max<size_t>(end - pos_, 1)));
  }

  Status Unexpected(std::string_view expected) {
    if (pos_ >= s_.size()) {
      return Invalid("The input string ended unexpectedly.");
    }
    return Invalid("Expected " + std::string(expected) + ", but found \"" + Token() + "\".");
  }

  Status ParseValue(JsonNode* out, int depth) {
    const size_t start = pos_;
    RETURN_IF_ERROR(ParseValueText(out, depth));
    out->raw = s_.substr(start, pos_ - start);
    return Status::OK();
  }

  Status ParseValueText(JsonNode* out, int depth) {
    if (depth >= kMaxJsonDepth) {
      return Status::InvalidArgument("stack depth limit exceeded").WithSqlState("54001");
    }
    if (pos_ >= s_.size()) {
      return Invalid("The input string ended unexpectedly.");
    }
    const char c = s_[pos_];
    if (c == '{') {
      return ParseObject(out, depth);
    }
    if (c == '[') {
      return ParseArray(out, depth);
    }
    if (c == '"') {
      out->kind = JsonNode::Kind::kString;
      return ParseString(&out->text);
    }
    if (c == '-' || IsDigit(c)) {
      return ParseNumber(out);
    }
    return ParseKeyword(out);
  }

  Status ParseKeyword(JsonNode* out) {
    const std::string token = Token();
    if (token == "true" || token == "false") {
      out->kind = JsonNode::Kind::kBool;
      out->boolean = token == "true";
    } else if (token == "null") {
      out->kind = JsonNode::Kind::kNull;
    } else {
      return Invalid("Token \"" + token + "\" is invalid.");
    }
    pos_ += token.size();
    return Status::OK();
  }

  Status ParseNumber(JsonNode* out) {
    const size_t start = pos_;
    size_t i = pos_;
    if (s_[i] == '-') {
      ++i;
    }
    const size_t int_start = i;
    while (i < s_.size() && IsDigit(s_[i])) {
      ++i;
    }
    bool ok = i > int_start && !(s_[int_start] == '0' && i - int_start > 1);
    if (ok && i < s_.size() && s_[i] == '.') {
      const size_t frac_start = ++i;
      while (i < s_.size() && IsDigit(s_[i])) {
        ++i;
      }
      ok = i > frac_start;
    }
    if (ok && i < s_.size() && (s_[i] == 'e' || s_[i] == 'E')) {
      ++i;
      if (i < s_.size() && (s_[i] == '+' || s_[i] == '-')) {
        ++i;
      }
      const size_t exp_start = i;
      while (i < s_.size() && IsDigit(s_[i])) {
        ++i;
      }
      ok = i > exp_start;
    }
    // A number must end at a delimiter; "01" or "1x" is one invalid token, as in PostgreSQL.
    while (i < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i])) || s_[i] == '.' ||
                             static_cast<unsigned char>(s_[i]) >= 0x80)) {
      ok = false;
      ++i;
    }
    const std::string_view token = s_.substr(start, i - start);
    if (!ok) {
      return Invalid("Token \"" + std::string(token) + "\" is invalid.");
    }
    pos_ = i;
    out->kind = JsonNode::Kind::kNumber;
    if (build_ && !navigate_) {
      ASSIGN_OR_RETURN(out->number, ParseNumericText(token));
      out->text = FormatNumericText(out->number);
    }
    return Status::OK();
  }

  // Reads 4 hex digits after "\u".
  Status ReadHex4(uint32_t* v) {
    if (pos_ + 4 > s_.size()) {
      return Invalid("\"\\u\" must be followed by four hexadecimal digits.");
    }
    uint32_t x = 0;
    for (int k = 0; k < 4; ++k) {
      const int h = HexValue(s_[pos_ + k]);
      if (h < 0) {
        return Invalid("\"\\u\" must be followed by four hexadecimal digits.");
      }
      x = x << 4 | static_cast<uint32_t>(h);
    }
    pos_ += 4;
    *v = x;
    return Status::OK();
  }

  static void AppendUtf8(std::string* out, uint32_t cp) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xc0 | cp >> 6));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xe0 | cp >> 12));
      out->push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3f)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
      out->push_back(static_cast<char>(0xf0 | cp >> 18));
      out->push_back(static_cast<char>(0x80 | (cp >> 12 & 0x3f)));
      out->push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3f)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
  }

  Status ParseUnicodeEscape(std::string* out) {
    uint32_t cp = 0;
    RETURN_IF_ERROR(ReadHex4(&cp));
    if (cp >= 0xdc00 && cp <= 0xdfff) {
      return Invalid("Unicode low surrogate must follow a high surrogate.");
    }
    if (cp >= 0xd800 && cp <= 0xdbff) {
      uint32_t low = 0;
      if (pos_ + 2 > s_.size() || s_[pos_] != '\\' || s_[pos_ + 1] != 'u') {
        return Invalid("Unicode low surrogate must follow a high surrogate.");
      }
      pos_ += 2;
      RETURN_IF_ERROR(ReadHex4(&low));
      if (low < 0xdc00 || low > 0xdfff) {
        return Invalid("Unicode low surrogate must follow a high surrogate.");
      }
      cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
    }
    if (cp == 0 && build_) {
      return Status::InvalidArgument("unsupported Unicode escape sequence")
          .WithSqlState(kSqlStateUntranslatableCharacter);
    }
    AppendUtf8(out, cp);
    return Status::OK();
  }

  Status ParseString(std::string* out) {
    ++pos_;  // opening quote
    out->clear();
    while (true) {
      if (pos_ >= s_.size()) {
        return Invalid("The input string ended unexpectedly.");
      }
      const char c = s_[pos_++];
      if (c == '"') {
        return Status::OK();
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        char buf[64];
        std::snprintf(buf, sizeof(buf), "Character with value 0x%02x must be escaped.",
                      static_cast<unsigned>(static_cast<unsigned char>(c)));
        return Invalid(buf);
      }
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) {
        return Invalid("The input string ended unexpectedly.");
      }
      const char e = s_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out->push_back(e);
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u':
          RETURN_IF_ERROR(ParseUnicodeEscape(out));
          break;
        default:
          return Invalid("Escape sequence \"\\" + std::string(1, e) + "\" is invalid.");
      }
    }
  }

  Status ParseArray(JsonNode* out, int depth) {
    ++pos_;
    out->kind = JsonNode::Kind::kArray;
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      return Status::OK();
    }
    while (true) {
      SkipSpace();
      JsonNode element;
      RETURN_IF_ERROR(ParseValue(&element, depth + 1));
      if (build_) {
        out->elements.push_back(std::move(element));
      }
      SkipSpace();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == ']') {
        ++pos_;
        return Status::OK();
      }
      return Unexpected("\",\" or \"]\"");
    }
  }

  Status ParseObject(JsonNode* out, int depth) {
    ++pos_;
    out->kind = JsonNode::Kind::kObject;
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      return Status::OK();
    }
    while (true) {
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != '"') {
        return Unexpected("string");
      }
      std::string key;
      RETURN_IF_ERROR(ParseString(&key));
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != ':') {
        return Unexpected("\":\"");
      }
      ++pos_;
      SkipSpace();
      JsonNode value;
      RETURN_IF_ERROR(ParseValue(&value, depth + 1));
      if (build_) {
        out->members.emplace_back(std::move(key), std::move(value));
      }
      SkipSpace();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == '}') {
        ++pos_;
        if (build_) {
          SortMembers(out);
        }
        return Status::OK();
      }
      return Unexpected("\",\" or \"}\"");
    }
  }

  // jsonb key order: shorter keys first, then bytewise; of equal keys the last one stays.
  static void SortMembers(JsonNode* obj) {
    auto& m = obj->members;
    std::stable_sort(m.begin(), m.end(), [](const auto& a, const auto& b) {
      if (a.first.size() != b.first.size()) {
        return a.first.size() < b.first.size();
      }
      return a.first < b.first;
    });
    std::vector<std::pair<std::string, JsonNode>> unique;
    unique.reserve(m.size());
    for (size_t i = 0; i < m.size(); ++i) {
      if (i + 1 < m.size() && m[i + 1].first == m[i].first) {
        continue;  // a later duplicate follows (stable sort kept input order)
      }
      unique.push_back(std::move(m[i]));
    }
    m = std::move(unique);
  }

  std::string_view s_;
  bool build_;
  bool navigate_;
  size_t pos_ = 0;
};

// PostgreSQL's escape_json.
void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (const char c : s) {
    switch (c) {
      case '\b':
        *out += "\\b";
        break;
      case '\f':
        *out += "\\f";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(c));
          *out += buf;
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

// The numeric with the fewest decimals showing the same value (1.50 -> 1.5, 2.00 -> 2).
Numeric MinimalScale(Numeric n) {
  n.dscale = NumericMinimalScale(n);
  return n;
}

void AppendJsonb(std::string* out, const JsonNode& n, bool minimal_numbers = false) {
  switch (n.kind) {
    case JsonNode::Kind::kNull:
      *out += "null";
      return;
    case JsonNode::Kind::kBool:
      *out += n.boolean ? "true" : "false";
      return;
    case JsonNode::Kind::kNumber:
      *out += minimal_numbers ? FormatNumericText(MinimalScale(n.number)) : n.text;
      return;
    case JsonNode::Kind::kString:
      AppendJsonString(out, n.text);
      return;
    case JsonNode::Kind::kArray:
      out->push_back('[');
      for (size_t i = 0; i < n.elements.size(); ++i) {
        *out += i == 0 ? "" : ", ";
        AppendJsonb(out, n.elements[i], minimal_numbers);
      }
      out->push_back(']');
      return;
    case JsonNode::Kind::kObject:
      out->push_back('{');
      for (size_t i = 0; i < n.members.size(); ++i) {
        *out += i == 0 ? "" : ", ";
        AppendJsonString(out, n.members[i].first);
        *out += ": ";
        AppendJsonb(out, n.members[i].second, minimal_numbers);
      }
      out->push_back('}');
      return;
  }
}

Result<JsonNode> ParseTree(std::string_view text, bool build, bool navigate = false) {
  if (!IsValidUtf8Text(text)) {
    return Status::InvalidArgument("invalid byte sequence for encoding \"UTF8\"")
        .WithSqlState(kSqlStateCharacterNotInRepertoire);
  }
  JsonNode root;
  Parser parser(text, build, navigate);
  RETURN_IF_ERROR(parser.ParseDocument(&root));
  return root;
}

// jbvType order: null < string < numeric < bool < array < object.
int Rank(JsonNode::Kind k) { return static_cast<int>(k); }

int Sign(int v) { return v < 0 ? -1 : (v > 0 ? 1 : 0); }

int CompareStrings(std::string_view a, std::string_view b) { return Sign(a.compare(b)); }

int CompareNodes(const JsonNode& a, const JsonNode& b);

int CompareContainers(const JsonNode& a, const JsonNode& b) {
  if (a.kind == JsonNode::Kind::kArray) {
    if (a.elements.size() != b.elements.size()) {
      return a.elements.size() < b.elements.size() ? -1 : 1;
    }
    for (size_t i = 0; i < a.elements.size(); ++i) {
      if (const int c = CompareNodes(a.elements[i], b.elements[i]); c != 0) {
        return c;
      }
    }
    return 0;
  }
  if (a.members.size() != b.members.size()) {
    return a.members.size() < b.members.size() ? -1 : 1;
  }
  for (size_t i = 0; i < a.members.size(); ++i) {
    if (const int c = CompareStrings(a.members[i].first, b.members[i].first); c != 0) {
      return c;
    }
    if (const int c = CompareNodes(a.members[i].second, b.members[i].second); c != 0) {
      return c;
    }
  }
  return 0;
}

int CompareNodes(const JsonNode& a, const JsonNode& b) {
  if (a.kind != b.kind) {
    return Rank(a.kind) < Rank(b.kind) ? -1 : 1;
  }
  switch (a.kind) {
    case JsonNode::Kind::kNull:
      return 0;
    case JsonNode::Kind::kString:
      return CompareStrings(a.text, b.text);
    case JsonNode::Kind::kNumber:
      return NumericCompare(a.number, b.number);
    case JsonNode::Kind::kBool:
      return a.boolean == b.boolean ? 0 : (a.boolean ? 1 : -1);
    case JsonNode::Kind::kArray:
    case JsonNode::Kind::kObject:
      return CompareContainers(a, b);
  }
  return 0;
}

bool IsScalar(const JsonNode& n) {
  return n.kind != JsonNode::Kind::kArray && n.kind != JsonNode::Kind::kObject;
}

// The output of ->, #> and their text forms for a found value.
std::optional<std::string> FoundText(const JsonNode& found, bool as_text) {
  if (!as_text) return std::string(found.raw);
  switch (found.kind) {
    case JsonNode::Kind::kNull:
      return std::nullopt;
    case JsonNode::Kind::kString:
      return found.text;
    default:
      return std::string(found.raw);
  }
}

}  // namespace

Status ValidateJson(std::string_view text) { return ParseTree(text, false).TakeStatus(); }

Result<std::string> NormalizeJsonb(std::string_view text) {
  ASSIGN_OR_RETURN(const JsonNode root, ParseTree(text, true));
  std::string out;
  AppendJsonb(&out, root);
  return out;
}

int CompareJsonb(std::string_view a, std::string_view b) {
  Result<JsonNode> x = ParseTree(a, true);
  Result<JsonNode> y = ParseTree(b, true);
  if (!x.ok() || !y.ok()) {
    return x.ok() == y.ok() ? CompareStrings(a, b) : (x.ok() ? 1 : -1);  // not normal forms
  }
  // A top-level scalar is a one-element "raw scalar" array in PostgreSQL's storage.
  const auto wrap = [](JsonNode n) {
    JsonNode array;
    array.kind = JsonNode::Kind::kArray;
    array.elements.push_back(std::move(n));
    return array;
  };
  const bool raw_a = IsScalar(*x);
  const bool raw_b = IsScalar(*y);
  const JsonNode ax = raw_a ? wrap(std::move(*x)) : std::move(*x);
  const JsonNode by = raw_b ? wrap(std::move(*y)) : std::move(*y);
  if (ax.kind == JsonNode::Kind::kArray && by.kind == JsonNode::Kind::kArray) {
    if (ax.elements.size() != by.elements.size()) {
      return ax.elements.size() < by.elements.size() ? -1 : 1;
    }
    if (raw_a != raw_b) {
      return raw_a ? -1 : 1;
    }
  }
  return CompareNodes(ax, by);
}

std::string JsonbHashKey(std::string_view normal) {
  Result<JsonNode> root = ParseTree(normal, true);
  if (!root.ok()) {
    return std::string(normal);
  }
  std::string out;
  AppendJsonb(&out, *root, /*minimal_numbers=*/true);
  return out;
}

Result<std::optional<std::string>> JsonGet(std::string_view doc, bool jsonb, const JsonStep& step,
                                           bool as_text) {
  ASSIGN_OR_RETURN(JsonNode root, ParseTree(doc, false, /*navigate=*/true));
  if (jsonb && IsScalar(root) && std::holds_alternative<int64_t>(step)) {
    // PostgreSQL stores a top-level jsonb scalar as a one-element array, and its -> int reads it
    // as one: '3'::jsonb -> 0 is 3.
    JsonNode array;
    array.kind = JsonNode::Kind::kArray;
    array.elements.push_back(std::move(root));
    root = std::move(array);
  }
  const JsonNode* found = nullptr;
  if (const auto* key = std::get_if<std::string_view>(&step)) {
    if (root.kind == JsonNode::Kind::kObject) {
      // Members are sorted and unique (of duplicate keys in json text the last one stayed, which
      // is the one PostgreSQL's json -> finds).
      for (const auto& [name, value] : root.members) {
        if (name == *key) found = &value;
      }
    }
  } else if (root.kind == JsonNode::Kind::kArray) {
    const int64_t n = static_cast<int64_t>(root.elements.size());
    int64_t i = std::get<int64_t>(step);
    if (i < 0) i += n;
    if (i >= 0 && i < n) found = &root.elements[static_cast<size_t>(i)];
  }
  if (found == nullptr) return std::optional<std::string>();
  return FoundText(*found, as_text);
}

namespace {

// An array position as #> reads it: optional sign and digits only.
std::optional<int64_t> PathPosition(std::string_view step) {
  size_t i = step.size() > 0 && (step[0] == '-' || step[0] == '+') ? 1 : 0;
  if (i == step.size() || step.size() - i > 18) return std::nullopt;
  int64_t v = 0;
  for (size_t k = i; k < step.size(); ++k) {
    if (!IsDigit(step[k])) return std::nullopt;
    v = v * 10 + (step[k] - '0');
  }
  return step[0] == '-' ? -v : v;
}

bool ScalarEqual(const JsonNode& a, const JsonNode& b) {
  return a.kind == b.kind && CompareNodes(a, b) == 0;
}

// a @> b for two containers or two scalars (JsonbDeepContains).
bool DeepContains(const JsonNode& a, const JsonNode& b) {
  if (IsScalar(a) || IsScalar(b)) return ScalarEqual(a, b);
  if (a.kind != b.kind) return false;
  if (a.kind == JsonNode::Kind::kObject) {
    for (const auto& [key, want] : b.members) {
      const JsonNode* have = nullptr;
      for (const auto& [k, v] : a.members) {
        if (k == key) have = &v;
      }
      if (have == nullptr) return false;
      if (IsScalar(want) ? !ScalarEqual(*have, want)
                         : (have->kind != want.kind || !DeepContains(*have, want))) {
        return false;
      }
    }
    return true;
  }
  for (const JsonNode& want : b.elements) {
    bool found = false;
    for (const JsonNode& have : a.elements) {
      if (IsScalar(want) ? ScalarEqual(have, want)
                         : (have.kind == want.kind && DeepContains(have, want))) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

}  // namespace

Result<std::optional<std::string>> JsonGetPath(std::string_view doc,
                                               const std::vector<std::string>& path, bool as_text) {
  ASSIGN_OR_RETURN(JsonNode root, ParseTree(doc, false, /*navigate=*/true));
  const JsonNode* cur = &root;
  for (const std::string& step : path) {
    const JsonNode* next = nullptr;
    if (cur->kind == JsonNode::Kind::kObject) {
      for (const auto& [name, value] : cur->members) {
        if (name == step) next = &value;
      }
    } else if (cur->kind == JsonNode::Kind::kArray) {
      std::optional<int64_t> i = PathPosition(step);
      const int64_t n = static_cast<int64_t>(cur->elements.size());
      if (i && *i < 0) *i += n;
      if (i && *i >= 0 && *i < n) next = &cur->elements[static_cast<size_t>(*i)];
    }
    if (next == nullptr) return std::optional<std::string>();
    cur = next;
  }
  return FoundText(*cur, as_text);
}

bool JsonbContains(std::string_view a, std::string_view b) {
  Result<JsonNode> x = ParseTree(a, true);
  Result<JsonNode> y = ParseTree(b, true);
  if (!x.ok() || !y.ok()) return false;
  // Top-level scalars are one-element arrays in PostgreSQL's storage, marked as such: an array
  // contains a top-level scalar among its elements, a top-level scalar contains no real array.
  if (IsScalar(*x) && !IsScalar(*y)) return false;
  if (x->kind == JsonNode::Kind::kArray && IsScalar(*y)) {
    for (const JsonNode& e : x->elements) {
      if (ScalarEqual(e, *y)) return true;
    }
    return false;
  }
  return DeepContains(*x, *y);
}

bool JsonbExists(std::string_view doc, std::string_view key) {
  Result<JsonNode> root = ParseTree(doc, false, /*navigate=*/true);
  if (!root.ok()) return false;
  switch (root->kind) {
    case JsonNode::Kind::kObject:
      for (const auto& [name, value] : root->members) {
        if (name == key) return true;
      }
      return false;
    case JsonNode::Kind::kArray:
      for (const JsonNode& e : root->elements) {
        if (e.kind == JsonNode::Kind::kString && e.text == key) return true;
      }
      return false;
    case JsonNode::Kind::kString:
      return root->text == key;
    default:
      return false;
  }
}

JsonbTopLevel InspectJsonb(std::string_view normal) {
  JsonbTopLevel top;
  Result<JsonNode> root = ParseTree(normal, true);
  if (!root.ok()) {
    top.kind = "string";
    return top;
  }
  switch (root->kind) {
    case JsonNode::Kind::kNull:
      top.kind = "null";
      break;
    case JsonNode::Kind::kString:
      top.kind = "string";
      break;
    case JsonNode::Kind::kNumber:
      top.kind = "numeric";
      top.number = std::move(root->number);
      break;
    case JsonNode::Kind::kBool:
      top.kind = "boolean";
      top.boolean = root->boolean;
      break;
    case JsonNode::Kind::kArray:
      top.kind = "array";
      break;
    case JsonNode::Kind::kObject:
      top.kind = "object";
      break;
  }
  return top;
}

}  // namespace blockdb::sql
