// Conversions between sql::Value and the bytes of Bind parameters and DataRow columns, in text
// (format 0) and binary (format 1) form, and the RowDescription field of a result column.
//
// Text uses the SQL layer's input and output functions (sql::ParseValue, sql::FormatValue);
// binary uses pgwire's codecs (binary_values.h, numeric.h). A binary parameter is checked as
// PostgreSQL's recv function checks it (exact length: 22P03) and then gets the type's modifier
// applied exactly as a text parameter would (varchar(n) length, numeric(p, s) rounding).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "pgwire/messages.h"
#include "sql/session.h"
#include "sql/types/type.h"
#include "sql/types/value.h"

namespace blockdb::pgwire {

// The value of one Bind parameter of type `type`; nullopt bytes is SQL NULL. Errors: the input
// function's (22P02, 22003...), 22P03 for malformed binary, 08P01 for an unknown format code.
Result<sql::Value> DecodeParameter(const std::optional<std::string>& bytes, int16_t format,
                                   const sql::Type& type);

// Appends the text or binary form of non-NULL `value` in a column of type `column_type`.
// REQUIRES: !value.is_null().
void EncodeResultValue(std::string* out, const sql::Value& value, const sql::Type& column_type,
                       int16_t format, int extra_float_digits);

// The same for a value of result column `column`, whose type_oid, when set, decides the binary
// form (catalog arrays held in their text form: int2vector, oidvector, int2[], oid[], text[]).
void EncodeResultValue(std::string* out, const sql::Value& value, const sql::ResultColumn& column,
                       int16_t format, int extra_float_digits);

// The RowDescription entry for a result column sent in `format`.
FieldDescription DescribeColumn(const sql::ResultColumn& column, int16_t format);

}  // namespace blockdb::pgwire
