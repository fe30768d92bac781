// PostgreSQL text format of uuid, bytea and boolean, and the UTF-8 check PostgreSQL applies to
// text. Output matches PostgreSQL 15 with bytea_output=hex; input accepts what PostgreSQL's input
// functions accept. Parse errors are 22P02 (invalid_text_representation). Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace blockdb::sql {

// REQUIRES: uuid.size() == 16. Lowercase 8-4-4-4-12.
std::string FormatUuid(std::string_view uuid);
// 32 hex digits (either case), optionally in braces, with '-' allowed after any group of four
// digits (PostgreSQL's uuid_in). Returns the 16 bytes.
Result<std::string> ParseUuid(std::string_view text);

// Hex output: "\x" followed by two lowercase hex digits per byte.
std::string FormatByteaHex(std::string_view bytes);
// "\x" hex input (whitespace allowed between bytes) or the escape format (\\ and \ooo octal).
Result<std::string> ParseBytea(std::string_view text);

// "t" / "f".
std::string_view FormatBool(bool v);
// true/false, yes/no, on/off, 1/0 and unambiguous prefixes, case-insensitive, spaces trimmed.
Result<bool> ParseBool(std::string_view text);

// True when `s` is well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF)
// and contains no NUL byte: what PostgreSQL accepts as text in a UTF8 database.
bool IsValidUtf8Text(std::string_view s);

// Number of characters (code points) in valid UTF-8 text; what varchar(n) limits.
size_t Utf8Length(std::string_view s);
// The longest prefix of valid UTF-8 text `s` holding at most `n` characters.
std::string_view Utf8Prefix(std::string_view s, size_t n);

}  // namespace blockdb::sql
