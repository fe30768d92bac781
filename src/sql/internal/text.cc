#include "sql/internal/text.h"

#include <cstdio>

namespace blockdb::sql::internal {
namespace {

// Length of the well-formed UTF-8 sequence at s[i] (storing its code point), or 0 if there is
// none. NUL is rejected like any invalid byte: PostgreSQL text cannot contain it.
size_t DecodeOne(std::string_view s, size_t i, char32_t* cp) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    *cp = c;
    return c == 0 ? 0 : 1;
  }
  size_t len = 0;
  char32_t value = 0;
  char32_t min = 0;
  if ((c & 0xE0) == 0xC0) {
    len = 2, value = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, value = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, value = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) {
    return 0;
  }
  for (size_t k = 1; k < len; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) {
      return 0;
    }
    value = (value << 6) | (cc & 0x3F);
  }
  if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    return 0;
  }
  *cp = value;
  return len;
}

// The sequence length the lead byte announces (1 for bytes that cannot start one).
size_t ExpectedLength(unsigned char c) {
  if ((c & 0xE0) == 0xC0) {
    return 2;
  }
  if ((c & 0xF0) == 0xE0) {
    return 3;
  }
  if ((c & 0xF8) == 0xF0) {
    return 4;
  }
  return 1;
}

// PostgreSQL's report_invalid_encoding(): the bytes of the offending sequence in hex.
Status InvalidUtf8(std::string_view s, size_t offset) {
  std::string msg = "invalid byte sequence for encoding \"UTF8\":";
  const size_t len = ExpectedLength(static_cast<unsigned char>(s[offset]));
  for (size_t k = 0; k < len && offset + k < s.size(); ++k) {
    char hex[8];
    std::snprintf(hex, sizeof(hex), " 0x%02x", static_cast<unsigned char>(s[offset + k]));
    msg += hex;
  }
  return Status::InvalidArgument(std::move(msg)).WithSqlState("22021");
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// Reads exactly `digits` hex digits at body[i]; false if there are fewer.
bool ReadHex(std::string_view body, size_t i, int digits, char32_t* value) {
  char32_t v = 0;
  for (int k = 0; k < digits; ++k) {
    if (i + k >= body.size() || HexValue(body[i + k]) < 0) {
      return false;
    }
    v = (v << 4) | static_cast<char32_t>(HexValue(body[i + k]));
  }
  *value = v;
  return true;
}

Status UnicodeEscapeError() {
  return Status::InvalidArgument("invalid Unicode escape").WithSqlState("22025");
}

// PostgreSQL's scanner error for the text at body[at, at + len): "<what> at or near "<text>"".
Status EscapeError(std::string_view what, std::string_view body, size_t at, size_t len,
                   size_t* error_at) {
  *error_at = at;
  std::string msg(what);
  msg += " at or near \"";
  msg += at < body.size() ? body.substr(at, len) : std::string_view("'");
  msg += '"';
  return Status::InvalidArgument(std::move(msg)).WithSqlState("42601");
}

// Decodes \uXXXX / \UXXXXXXXX at body[*i] (the backslash), combining a surrogate pair, and
// advances *i past the escape(s). On error *error_at is where in `body` PostgreSQL points.
Status DecodeUnicodeEscape(std::string_view body, size_t* i, std::string* out, size_t* error_at) {
  const size_t start = *i;
  const int digits = body[start + 1] == 'u' ? 4 : 8;
  char32_t cp = 0;
  if (!ReadHex(body, start + 2, digits, &cp)) {
    *error_at = start;
    return UnicodeEscapeError();
  }
  *i += 2 + digits;
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    char32_t low = 0;
    if (*i + 1 >= body.size() || body[*i] != '\\' || body[*i + 1] != 'u' ||
        !ReadHex(body, *i + 2, 4, &low) || low < 0xDC00 || low > 0xDFFF) {
      return EscapeError("invalid Unicode surrogate pair", body, *i, 1, error_at);
    }
    *i += 6;
    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
  } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
    return EscapeError("invalid Unicode surrogate pair", body, start, 2 + digits, error_at);
  }
  if (cp == 0 || cp > 0x10FFFF) {
    return EscapeError("invalid Unicode escape value", body, start, 2 + digits, error_at);
  }
  AppendUtf8(cp, out);
  return Status::OK();
}

// Decodes the escape at body[*i] (a backslash) and advances past it.
Status DecodeBackslash(std::string_view body, size_t* i, std::string* out, size_t* error_at) {
  if (*i + 1 >= body.size()) {
    *i += 1;
    return Status::OK();
  }
  const char c = body[*i + 1];
  switch (c) {
    case 'b':
      *out += '\b';
      break;
    case 'f':
      *out += '\f';
      break;
    case 'n':
      *out += '\n';
      break;
    case 'r':
      *out += '\r';
      break;
    case 't':
      *out += '\t';
      break;
    case 'u':
    case 'U':
      return DecodeUnicodeEscape(body, i, out, error_at);
    case 'x':
      if (*i + 2 < body.size() && HexValue(body[*i + 2]) >= 0) {
        int v = HexValue(body[*i + 2]);
        size_t n = 3;
        if (*i + 3 < body.size() && HexValue(body[*i + 3]) >= 0) {
          v = v * 16 + HexValue(body[*i + 3]);
          n = 4;
        }
        *out += static_cast<char>(v);
        *i += n;
        return Status::OK();
      }
      *out += 'x';
      break;
    default:
      if (c >= '0' && c <= '7') {
        int v = 0;
        size_t n = 1;
        while (n <= 3 && *i + n < body.size() && body[*i + n] >= '0' && body[*i + n] <= '7') {
          v = v * 8 + (body[*i + n] - '0');
          ++n;
        }
        *out += static_cast<char>(v & 0xFF);
        *i += n;
        return Status::OK();
      }
      *out += c;
      break;
  }
  *i += 2;
  return Status::OK();
}

// The whole UTF-8 character starting at s[i], for error messages.
std::string CharAt(std::string_view s, size_t i) {
  char32_t cp = 0;
  const size_t len = DecodeOne(s, i, &cp);
  return std::string(s.substr(i, len == 0 ? 1 : len));
}

}  // namespace

Result<DecodedText> DecodeUtf8(std::string_view text) {
  DecodedText out;
  out.code_points.reserve(text.size());
  out.byte_offsets.reserve(text.size() + 1);
  size_t i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    const size_t len = DecodeOne(text, i, &cp);
    if (len == 0) {
      return InvalidUtf8(text, i);
    }
    out.code_points.push_back(cp);
    out.byte_offsets.push_back(i);
    i += len;
  }
  out.byte_offsets.push_back(text.size());
  return out;
}

bool IsValidUtf8(std::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    char32_t cp = 0;
    const size_t len = DecodeOne(bytes, i, &cp);
    if (len == 0) {
      return false;
    }
    i += len;
  }
  return true;
}

std::string TruncateIdentifier(std::string name) {
  if (name.size() <= kMaxIdentifierBytes) {
    return name;
  }
  size_t len = kMaxIdentifierBytes;
  while (len > 0 && (static_cast<unsigned char>(name[len]) & 0xC0) == 0x80) {
    --len;
  }
  name.resize(len);
  return name;
}

std::string FoldIdentifier(std::string_view raw) {
  std::string out(raw);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return TruncateIdentifier(std::move(out));
}

Result<std::string> UnquoteIdentifier(std::string_view quoted) {
  std::string out;
  for (size_t i = 1; i + 1 < quoted.size(); ++i) {
    out += quoted[i];
    if (quoted[i] == '"') {
      ++i;  // "" stands for one quote
    }
  }
  if (out.empty()) {
    return Status::InvalidArgument("zero-length delimited identifier at or near \"\"\"\"")
        .WithSqlState("42601");
  }
  return TruncateIdentifier(std::move(out));
}

std::string UnquoteString(std::string_view quoted) {
  std::string out;
  out.reserve(quoted.size());
  size_t i = 1;  // after the opening quote
  while (i < quoted.size()) {
    if (quoted[i] != '\'') {
      out += quoted[i++];
    } else if (i + 1 < quoted.size() && quoted[i + 1] == '\'') {
      out += '\'';  // '' inside the literal
      i += 2;
    } else {
      // The end of a segment; the next one (if any) starts after the whitespace and -- comments
      // between them.
      size_t j = i + 1;
      while (j < quoted.size() && quoted[j] != '\'') {
        if (quoted.substr(j, 2) == "--") {
          j = quoted.find('\n', j);
          if (j == std::string_view::npos) return out;
        } else {
          ++j;
        }
      }
      i = j + 1;
    }
  }
  return out;
}

Result<std::string> DecodeUnicodeString(std::string_view literal, size_t* error_offset) {
  const std::string_view body = literal.substr(3, literal.size() - 4);  // U&'...'
  std::string out;
  auto fail = [&](const char* msg, size_t at) {
    *error_offset = 3 + at;
    return Status::InvalidArgument(msg).WithSqlState("42601");
  };
  // A code point escape at body[i] (the backslash): its value and length, or 0 digits.
  auto escape = [&](size_t i, char32_t* cp) -> size_t {
    if (i + 1 < body.size() && body[i + 1] == '+') {
      return ReadHex(body, i + 2, 6, cp) ? 8 : 0;
    }
    return ReadHex(body, i + 1, 4, cp) ? 5 : 0;
  };
  for (size_t i = 0; i < body.size();) {
    if (body[i] == '\'') {  // '' inside the literal
      out += '\'';
      i += 2;
      continue;
    }
    if (body[i] != '\\') {
      out += body[i++];
      continue;
    }
    if (i + 1 < body.size() && body[i + 1] == '\\') {
      out += '\\';
      i += 2;
      continue;
    }
    char32_t cp = 0;
    const size_t len = escape(i, &cp);
    if (len == 0) return fail("invalid Unicode escape", i);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      char32_t low = 0;
      const size_t low_len =
          i + len < body.size() && body[i + len] == '\\' ? escape(i + len, &low) : 0;
      if (low_len == 0 || low < 0xDC00 || low > 0xDFFF) {
        return fail("invalid Unicode surrogate pair", i + len);
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      i += low_len;
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      return fail("invalid Unicode surrogate pair", i);
    }
    if (cp == 0 || cp > 0x10FFFF) return fail("invalid Unicode escape value", i);
    AppendUtf8(cp, &out);
    i += len;
  }
  return out;
}

Result<std::string> DecodeEscapeString(std::string_view literal, size_t* error_offset) {
  const std::string_view body = literal.substr(2, literal.size() - 3);  // E'...'
  std::string out;
  out.reserve(body.size());
  size_t i = 0;
  while (i < body.size()) {
    if (body[i] == '\\') {
      size_t error_at = 0;
      Status s = DecodeBackslash(body, &i, &out, &error_at);
      if (!s.ok()) {
        if (error_offset != nullptr) {
          *error_offset = error_at + 2;
        }
        return s;
      }
    } else if (body[i] == '\'') {
      out += '\'';  // '' inside the literal
      i += 2;
    } else {
      out += body[i++];
    }
  }
  for (size_t k = 0; k < out.size();) {
    char32_t cp = 0;
    const size_t len = DecodeOne(out, k, &cp);
    if (len == 0) {
      return InvalidUtf8(out, k);
    }
    k += len;
  }
  return out;
}

std::string DecodeDollarString(std::string_view literal) {
  const size_t tag_length = literal.find('$', 1) + 1;
  return std::string(literal.substr(tag_length, literal.size() - 2 * tag_length));
}

Result<std::string> DecodeBitString(std::string_view literal) {
  const bool hex = literal[0] == 'x' || literal[0] == 'X';
  const std::string_view body = literal.substr(2, literal.size() - 3);
  std::string bits;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (!hex && (c == '0' || c == '1')) {
      bits += c;
      continue;
    }
    if (hex && HexValue(c) >= 0) {
      const int v = HexValue(c);
      for (int b = 3; b >= 0; --b) {
        bits += ((v >> b) & 1) ? '1' : '0';
      }
      continue;
    }
    std::string msg = "\"";
    msg += CharAt(body, i);
    msg += hex ? "\" is not a valid hexadecimal digit" : "\" is not a valid binary digit";
    return Status::InvalidArgument(std::move(msg)).WithSqlState("22P02");
  }
  return bits;
}

}  // namespace blockdb::sql::internal
