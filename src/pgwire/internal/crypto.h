// Thin wrappers over OpenSSL for the authentication code. Private to pgwire.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "common/status.h"

namespace blockdb::pgwire::internal {

// SHA-256 (32 bytes). One-shot over an initializer list of parts (no concatenation copy).
std::string Sha256Digest(std::initializer_list<std::string_view> parts);
// MD5 (16 bytes), only for PostgreSQL's MD5 password authentication.
std::string Md5Digest(std::initializer_list<std::string_view> parts);
// Lowercase hex.
std::string LowerHex(std::string_view bytes);
// HMAC-SHA-256 (32 bytes).
std::string HmacSha256(std::string_view key, std::string_view data);
// PBKDF2-HMAC-SHA-256 with a 32-byte output. IOError if OpenSSL fails. REQUIRES: iterations > 0.
Result<std::string> Pbkdf2Sha256(std::string_view password, std::string_view salt, int iterations);
// n bytes from OpenSSL's CSPRNG; IOError if it is not seeded.
Result<std::string> RandomBytes(size_t n);
// Comparison whose time does not depend on where the inputs differ (it does depend on lengths).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace blockdb::pgwire::internal
