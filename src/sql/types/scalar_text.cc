// Text form of uuid, bytea and boolean; UTF-8 validation.
#include "sql/types/scalar_text.h"

#include "common/check.h"
#include "sql/types/errors.h"
#include "sql/types/internal/text_util.h"

namespace blockdb::sql {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

using internal::HexValue;
using internal::IsSpace;

void AppendHex(std::string* out, unsigned char b) {
  out->push_back(kHexDigits[b >> 4]);
  out->push_back(kHexDigits[b & 0xf]);
}

Status BadInput(std::string_view type, std::string_view text) {
  return InvalidInputSyntax(type, text);
}

Result<std::string> ParseByteaHex(std::string_view hex, std::string_view text) {
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size();) {
    if (IsSpace(hex[i])) {
      ++i;
      continue;
    }
    const int hi = HexValue(hex[i]);
    const int lo = i + 1 < hex.size() ? HexValue(hex[i + 1]) : -1;
    if (hi < 0 || lo < 0) {
      // PostgreSQL reports bad hex in bytea as 22023, not 22P02.
      if (hi >= 0 && i + 1 >= hex.size()) {
        return InvalidParameterValue("invalid hexadecimal data: odd number of digits");
      }
      const char bad = hi < 0 ? hex[i] : hex[i + 1];
      return InvalidParameterValue("invalid hexadecimal digit: \"" + std::string(1, bad) + "\"");
    }
    out.push_back(static_cast<char>(hi << 4 | lo));
    i += 2;
  }
  return out;
}

bool IsOctal(char c) { return c >= '0' && c <= '7'; }

Result<std::string> ParseByteaEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '\\') {
      out.push_back(s[i++]);
    } else if (i + 1 < s.size() && s[i + 1] == '\\') {
      out.push_back('\\');
      i += 2;
    } else if (i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3' && IsOctal(s[i + 2]) &&
               IsOctal(s[i + 3])) {
      out.push_back(
          static_cast<char>((s[i + 1] - '0') << 6 | (s[i + 2] - '0') << 3 | (s[i + 3] - '0')));
      i += 4;
    } else {
      return BadInput("bytea", s);
    }
  }
  return out;
}

bool MatchesPrefixOf(std::string_view input, std::string_view word, size_t min_length) {
  if (input.size() < min_length || input.size() > word.size()) {
    return false;
  }
  for (size_t i = 0; i < input.size(); ++i) {
    if ((input[i] | 0x20) != word[i]) {
      return false;
    }
  }
  return true;
}

// Length of the UTF-8 sequence starting at s[i] if it is well formed, else 0. Hand-written
// rather than through iconv or ICU: the rules PostgreSQL applies fit in a few lines, and those
// libraries would be a dependency for this alone.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 >= 0x01 && b0 <= 0x7f) {
    return 1;
  }
  size_t n;
  unsigned char lo = 0x80;  // allowed range of the second byte
  unsigned char hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    n = 2;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    n = 3;
    lo = b0 == 0xe0 ? 0xa0 : 0x80;  // no overlong forms
    hi = b0 == 0xed ? 0x9f : 0xbf;  // no UTF-16 surrogates
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    n = 4;
    lo = b0 == 0xf0 ? 0x90 : 0x80;  // no overlong forms
    hi = b0 == 0xf4 ? 0x8f : 0xbf;  // nothing above U+10FFFF
  } else {
    return 0;  // NUL, continuation byte, or lead byte of an overlong/out-of-range form
  }
  if (s.size() - i < n) {
    return 0;
  }
  const auto b1 = static_cast<unsigned char>(s[i + 1]);
  if (b1 < lo || b1 > hi) {
    return 0;
  }
  for (size_t k = 2; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (b < 0x80 || b > 0xbf) {
      return 0;
    }
  }
  return n;
}

}  // namespace

std::string FormatUuid(std::string_view uuid) {
  BLOCKDB_CHECK(uuid.size() == 16);
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      out.push_back('-');
    }
    AppendHex(&out, static_cast<unsigned char>(uuid[i]));
  }
  return out;
}

// Not libuuid's uuid_parse: it accepts only the hyphenated 36-character form, while clients may
// send any form PostgreSQL's uuid_in accepts.
Result<std::string> ParseUuid(std::string_view text) {
  std::string_view s = text;
  if (!s.empty() && s.front() == '{') {
    if (s.size() < 2 || s.back() != '}') {
      return BadInput("uuid", text);
    }
    s = s.substr(1, s.size() - 2);
  }
  std::string out;
  size_t digits = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '-') {
      // Allowed only after a complete group of four digits, never twice in a row or at the end.
      if (digits == 0 || digits % 4 != 0 || digits == 32 || s[i - 1] == '-') {
        return BadInput("uuid", text);
      }
      continue;
    }
    const int v = HexValue(s[i]);
    if (v < 0 || digits == 32) {
      return BadInput("uuid", text);
    }
    if (digits % 2 == 0) {
      out.push_back(static_cast<char>(v << 4));
    } else {
      out.back() = static_cast<char>(out.back() | v);
    }
    ++digits;
  }
  if (digits != 32) {
    return BadInput("uuid", text);
  }
  return out;
}

std::string FormatByteaHex(std::string_view bytes) {
  std::string out = "\\x";
  out.reserve(2 + 2 * bytes.size());
  for (char c : bytes) {
    AppendHex(&out, static_cast<unsigned char>(c));
  }
  return out;
}

Result<std::string> ParseBytea(std::string_view text) {
  if (text.size() >= 2 && text[0] == '\\' && text[1] == 'x') {
    return ParseByteaHex(text.substr(2), text);
  }
  return ParseByteaEscape(text);
}

std::string_view FormatBool(bool v) { return v ? "t" : "f"; }

Result<bool> ParseBool(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && IsSpace(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && IsSpace(s.back())) {
    s.remove_suffix(1);
  }
  // PostgreSQL's parse_bool: unique prefixes; "o" alone is ambiguous (on/off).
  if (MatchesPrefixOf(s, "true", 1) || MatchesPrefixOf(s, "yes", 1) ||
      MatchesPrefixOf(s, "on", 2) || s == "1") {
    return true;
  }
  if (MatchesPrefixOf(s, "false", 1) || MatchesPrefixOf(s, "no", 1) ||
      MatchesPrefixOf(s, "off", 2) || s == "0") {
    return false;
  }
  return BadInput("boolean", text);
}

bool IsValidUtf8Text(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      return false;
    }
    i += n;
  }
  return true;
}

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (const char c : s) {
    n += (static_cast<unsigned char>(c) & 0xc0) != 0x80 ? 1 : 0;
  }
  return n;
}

std::string_view Utf8Prefix(std::string_view s, size_t n) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xc0) != 0x80) {
      if (chars == n) {
        return s.substr(0, i);
      }
      ++chars;
    }
  }
  return s;
}

}  // namespace blockdb::sql
