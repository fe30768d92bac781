// Small text-scanning helpers shared by the input functions of sql/types. Private to sql/types.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace blockdb::sql::internal {

// Floor division (rounds toward negative infinity). REQUIRES: b != 0.
inline int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// The whitespace PostgreSQL's input functions skip (isspace in the C locale).
inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

inline std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && IsSpace(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

// ASCII case-insensitive equality.
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') {
      x = static_cast<char>(x - 'A' + 'a');
    }
    if (y >= 'A' && y <= 'Z') {
      y = static_cast<char>(y - 'A' + 'a');
    }
    if (x != y) {
      return false;
    }
  }
  return true;
}

// 0..15 for a hex digit of either case, else -1.
inline int HexValue(char c) {
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

// Reads exactly `n` decimal digits from the front of *s.
inline bool ReadDigits(std::string_view* s, size_t n, int64_t* v) {
  if (s->size() < n) {
    return false;
  }
  int64_t x = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = (*s)[i];
    if (!IsDigit(c)) {
      return false;
    }
    x = x * 10 + (c - '0');
  }
  *v = x;
  s->remove_prefix(n);
  return true;
}

// Removes `c` from the front of *s if it is there.
inline bool Consume(std::string_view* s, char c) {
  if (s->empty() || s->front() != c) {
    return false;
  }
  s->remove_prefix(1);
  return true;
}

}  // namespace blockdb::sql::internal
