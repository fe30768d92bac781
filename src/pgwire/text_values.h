// The text forms of dates, timestamps, uuid, bytea and boolean live in the SQL layer
// (sql/types/datetime.h, sql/types/scalar_text.h), below pgwire: the SQL engine needs them as
// input and output functions. These declarations keep the names pgwire code has always used.
#pragma once

#include "sql/types/datetime.h"
#include "sql/types/scalar_text.h"

namespace blockdb::pgwire {

using sql::CivilDate;
using sql::CivilFromDays;
using sql::DaysFromCivil;
using sql::FormatBool;
using sql::FormatByteaHex;
using sql::FormatDate;
using sql::FormatTimestamp;
using sql::FormatTimestamptz;
using sql::FormatUuid;
using sql::ParseBool;
using sql::ParseBytea;
using sql::ParseDate;
using sql::ParseTimestamp;
using sql::ParseTimestamptz;
using sql::ParseUuid;

}  // namespace blockdb::pgwire
