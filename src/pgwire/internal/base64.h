// Standard base64 (RFC 4648 section 4, with '=' padding) as SCRAM uses it. Private to pgwire.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace blockdb::pgwire::internal {

std::string Base64Encode(std::string_view bytes);

// nullopt unless `text` is canonical padded base64: length a multiple of 4, only alphabet
// characters, '=' only as the last one or two characters. No whitespace is accepted.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace blockdb::pgwire::internal
