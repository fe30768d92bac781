// Text handling for the SQL lexer and AST builder: UTF-8 decoding, identifier folding and the
// decoding of quoted literals. Pure functions, no ANTLR. Private to sql/.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace blockdb::sql::internal {

// PostgreSQL truncates identifiers to NAMEDATALEN - 1 bytes.
inline constexpr size_t kMaxIdentifierBytes = 63;

// A query string decoded to code points. byte_offsets[i] is the byte offset of code point i in
// the original string; byte_offsets[size()] is the string's length.
struct DecodedText {
  std::u32string code_points;
  std::vector<size_t> byte_offsets;
};

// Decodes strict UTF-8 (no overlong forms, surrogates or values above U+10FFFF). On invalid input
// returns 22021 with PostgreSQL's message, e.g. `invalid byte sequence for encoding "UTF8": 0xff`.
Result<DecodedText> DecodeUtf8(std::string_view text);

// True if `bytes` is valid UTF-8 (same rules as DecodeUtf8).
bool IsValidUtf8(std::string_view bytes);

// Truncates to kMaxIdentifierBytes without splitting a UTF-8 sequence.
std::string TruncateIdentifier(std::string name);

// An unquoted identifier or keyword: ASCII letters lower-cased (other characters kept, as
// PostgreSQL does for UTF-8 databases), then truncated.
std::string FoldIdentifier(std::string_view raw);

// "Quoted""Name" -> Quoted"Name (truncated). 42601 for "" (PostgreSQL's "zero-length delimited
// identifier").
Result<std::string> UnquoteIdentifier(std::string_view quoted);

// 'it''s' -> it's.
std::string UnquoteString(std::string_view quoted);

// E'...' with PostgreSQL's backslash escapes: \b \f \n \r \t, \o \oo \ooo (octal), \xh \xhh,
// \uXXXX, \UXXXXXXXX (surrogate pairs combined), any other \c -> c, and '' -> '. The result must
// be valid UTF-8 (22021 otherwise); bad Unicode escapes are 22025 or 42601 as in PostgreSQL, and
// then *error_offset (if given) is the byte offset in `literal` PostgreSQL's error points at.
Result<std::string> DecodeEscapeString(std::string_view literal, size_t* error_offset = nullptr);

// U&'...': '' is a quote, \\ a backslash, \XXXX and \+XXXXXX code points (a UTF-16 surrogate
// pair as two escapes). 42601 as PostgreSQL for a bad escape, with *error_offset the offset in
// `literal` it points at. UESCAPE is not supported.
Result<std::string> DecodeUnicodeString(std::string_view literal, size_t* error_offset);

// $tag$body$tag$ -> body.
std::string DecodeDollarString(std::string_view literal);

// B'0101' -> "0101"; X'1F' -> "00011111". 22P02 `"2" is not a valid binary digit` (or
// hexadecimal digit) for other characters.
Result<std::string> DecodeBitString(std::string_view literal);

}  // namespace blockdb::sql::internal
