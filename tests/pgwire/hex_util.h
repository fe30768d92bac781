// Hex helpers for golden-bytes tests: "5a 00 00 00 05 49" style, as in docs/protocol/pgwire.md.
#pragma once

#include <string>
#include <string_view>

namespace blockdb::pgwire::testing {

// Space-separated lowercase hex bytes.
inline std::string SpacedHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    if (!out.empty()) {
      out.push_back(' ');
    }
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

// Bytes from hex digits, ignoring spaces and newlines. REQUIRES: well-formed test literal.
inline std::string Unhex(std::string_view hex) {
  std::string out;
  int pending = -1;
  for (char c : hex) {
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else {
      continue;
    }
    if (pending < 0) {
      pending = v;
    } else {
      out.push_back(static_cast<char>(pending << 4 | v));
      pending = -1;
    }
  }
  return out;
}

}  // namespace blockdb::pgwire::testing
