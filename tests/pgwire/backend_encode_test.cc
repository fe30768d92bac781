// Backend encoders against golden bytes. The bytes marked "PostgreSQL 15" were captured from a
// PostgreSQL 15 server answering the same request; the others are the worked examples of
// docs/protocol/pgwire.md.
#include <doctest/doctest.h>

#include <array>

#include "pgwire/codec.h"
#include "pgwire/hex_util.h"
#include "pgwire/types.h"

namespace blockdb::pgwire {
namespace {

using testing::SpacedHex;

template <typename F>
std::string Encoded(F f) {
  std::string out;
  f(&out);
  return SpacedHex(out);
}

TEST_CASE("pgwire golden: ReadyForQuery") {
  CHECK(Encoded([](std::string* o) { EncodeReadyForQuery(o, TransactionStatus::kIdle); }) ==
        "5a 00 00 00 05 49");
  CHECK(Encoded([](std::string* o) {
          EncodeReadyForQuery(o, TransactionStatus::kInTransaction);
        }) == "5a 00 00 00 05 54");
  CHECK(Encoded([](std::string* o) { EncodeReadyForQuery(o, TransactionStatus::kFailed); }) ==
        "5a 00 00 00 05 45");
}

TEST_CASE("pgwire golden: RowDescription, DataRow, CommandComplete (PostgreSQL 15)") {
  // select 1::int4 as id, null::text as t
  const std::array<FieldDescription, 2> fields = {
      FieldDescription{"id", 0, 0, kInt4Oid, 4, -1, kFormatText},
      FieldDescription{"t", 0, 0, kTextOid, -1, -1, kFormatText}};
  CHECK(Encoded([&](std::string* o) { EncodeRowDescription(o, fields); }) ==
        "54 00 00 00 2f 00 02 69 64 00 00 00 00 00 00 00 00 00 00 17 00 04 ff ff ff ff 00 00 74 "
        "00 00 00 00 00 00 00 00 00 00 19 ff ff ff ff ff ff 00 00");
  const std::array<std::optional<std::string_view>, 2> row = {"1", std::nullopt};
  CHECK(Encoded([&](std::string* o) { EncodeDataRow(o, row); }) ==
        "44 00 00 00 0f 00 02 00 00 00 01 31 ff ff ff ff");
  CHECK(Encoded([](std::string* o) { EncodeCommandComplete(o, "SELECT 1"); }) ==
        "43 00 00 00 0d 53 45 4c 45 43 54 20 31 00");
}

TEST_CASE("pgwire golden: DataRowWriter builds the same bytes as EncodeDataRow") {
  std::string a;
  DataRowWriter w(&a, 3);
  w.AddValue("abc");
  w.AddNull();
  w.AddValue("");
  w.Finish();
  std::string b;
  const std::array<std::optional<std::string_view>, 3> row = {"abc", std::nullopt, ""};
  EncodeDataRow(&b, row);
  CHECK(SpacedHex(a) == SpacedHex(b));
  CHECK(SpacedHex(a) == "44 00 00 00 15 00 03 00 00 00 03 61 62 63 ff ff ff ff 00 00 00 00");
}

TEST_CASE("pgwire golden: ErrorResponse") {
  ErrorFields f;
  f.sqlstate = "42P01";
  f.message = "relation \"t\" does not exist";
  f.position = 15;
  SUBCASE("the fields BlockDB sends (docs/protocol/pgwire.md)") {
    CHECK(Encoded([&](std::string* o) { EncodeErrorResponse(o, f); }) ==
          "45 00 00 00 3b 53 45 52 52 4f 52 00 56 45 52 52 4f 52 00 43 34 32 50 30 31 00 4d 72 65 "
          "6c 61 74 69 6f 6e 20 22 74 22 20 64 6f 65 73 20 6e 6f 74 20 65 78 69 73 74 00 50 31 35 "
          "00 00");
  }
  SUBCASE("with file, line and routine: identical to PostgreSQL 15") {
    f.file = "parse_relation.c";
    f.line = 1392;
    f.routine = "parserOpenTable";
    CHECK(Encoded([&](std::string* o) { EncodeErrorResponse(o, f); }) ==
          "45 00 00 00 64 53 45 52 52 4f 52 00 56 45 52 52 4f 52 00 43 34 32 50 30 31 00 4d 72 65 "
          "6c 61 74 69 6f 6e 20 22 74 22 20 64 6f 65 73 20 6e 6f 74 20 65 78 69 73 74 00 50 31 35 "
          "00 46 70 61 72 73 65 5f 72 65 6c 61 74 69 6f 6e 2e 63 00 4c 31 33 39 32 00 52 70 61 72 "
          "73 65 72 4f 70 65 6e 54 61 62 6c 65 00 00");
  }
}

TEST_CASE("pgwire golden: NoticeResponse with detail and hint, and NUL inside a field") {
  ErrorFields f;
  f.severity = "WARNING";
  f.sqlstate = "25P01";
  f.message = std::string("no\0x", 4);  // cut at the NUL: framing must survive user data
  f.detail.assign(1, 'd');  // (assign: g++ 12 warns falsely on `= "d"` here, -Wrestrict)
  f.hint.assign(1, 'h');
  CHECK(Encoded([&](std::string* o) { EncodeNoticeResponse(o, f); }) ==
        "4e 00 00 00 28 53 57 41 52 4e 49 4e 47 00 56 57 41 52 4e 49 4e 47 00 43 32 35 50 30 31 "
        "00 4d 6e 6f 00 44 64 00 48 68 00 00");
}

TEST_CASE("pgwire: ErrorFieldsFromStatus") {
  ErrorFields a = ErrorFieldsFromStatus(Status::InvalidArgument("bad").WithSqlState("22P02"));
  CHECK(a.severity == "ERROR");
  CHECK(a.sqlstate == "22P02");
  CHECK(a.message == "bad");
  CHECK(ErrorFieldsFromStatus(Status::NotSupported("x")).sqlstate == "0A000");
  CHECK(ErrorFieldsFromStatus(Status::IOError("x"), "FATAL").sqlstate == "XX000");
  CHECK(ErrorFieldsFromStatus(Status::IOError("x"), "FATAL").severity == "FATAL");
}

TEST_CASE("pgwire golden: startup sequence messages (PostgreSQL 15)") {
  CHECK(Encoded([](std::string* o) { EncodeAuthenticationOk(o); }) == "52 00 00 00 08 00 00 00 00");
  CHECK(Encoded([](std::string* o) { EncodeParameterStatus(o, "client_encoding", "UTF8"); }) ==
        "53 00 00 00 19 63 6c 69 65 6e 74 5f 65 6e 63 6f 64 69 6e 67 00 55 54 46 38 00");
  CHECK(Encoded([](std::string* o) { EncodeParameterStatus(o, "DateStyle", "ISO, MDY"); }) ==
        "53 00 00 00 17 44 61 74 65 53 74 79 6c 65 00 49 53 4f 2c 20 4d 44 59 00");
  CHECK(Encoded([](std::string* o) {
          EncodeBackendKeyData(o, 0x43ee, static_cast<int32_t>(0xc90abaa3));
        }) == "4b 00 00 00 0c 00 00 43 ee c9 0a ba a3");
  CHECK(Encoded([](std::string* o) { EncodeEmptyQueryResponse(o); }) == "49 00 00 00 04");
}

TEST_CASE("pgwire golden: authentication requests") {
  CHECK(Encoded([](std::string* o) { EncodeAuthenticationCleartextPassword(o); }) ==
        "52 00 00 00 08 00 00 00 03");
  CHECK(Encoded([](std::string* o) { EncodeAuthenticationMd5Password(o, "\x01\x02\x03\x04"); }) ==
        "52 00 00 00 0c 00 00 00 05 01 02 03 04");
  const std::array<std::string_view, 1> mechs = {"SCRAM-SHA-256"};
  CHECK(Encoded([&](std::string* o) { EncodeAuthenticationSasl(o, mechs); }) ==
        "52 00 00 00 17 00 00 00 0a 53 43 52 41 4d 2d 53 48 41 2d 32 35 36 00 00");
  CHECK(Encoded([](std::string* o) { EncodeAuthenticationSaslContinue(o, "r=a"); }) ==
        "52 00 00 00 0b 00 00 00 0b 72 3d 61");
  CHECK(Encoded([](std::string* o) { EncodeAuthenticationSaslFinal(o, "v=b"); }) ==
        "52 00 00 00 0b 00 00 00 0c 76 3d 62");
}

TEST_CASE("pgwire golden: extended-protocol replies") {
  CHECK(Encoded([](std::string* o) { EncodeParseComplete(o); }) == "31 00 00 00 04");
  CHECK(Encoded([](std::string* o) { EncodeBindComplete(o); }) == "32 00 00 00 04");
  CHECK(Encoded([](std::string* o) { EncodeCloseComplete(o); }) == "33 00 00 00 04");
  CHECK(Encoded([](std::string* o) { EncodeNoData(o); }) == "6e 00 00 00 04");
  CHECK(Encoded([](std::string* o) { EncodePortalSuspended(o); }) == "73 00 00 00 04");
  const std::array<Oid, 2> oids = {kInt8Oid, kTextOid};
  CHECK(Encoded([&](std::string* o) { EncodeParameterDescription(o, oids); }) ==
        "74 00 00 00 0e 00 02 00 00 00 14 00 00 00 19");
}

TEST_CASE("pgwire golden: COPY and protocol negotiation") {
  const std::array<int16_t, 2> formats = {0, 0};
  CHECK(Encoded([&](std::string* o) { EncodeCopyInResponse(o, 0, formats); }) ==
        "47 00 00 00 0b 00 00 02 00 00 00 00");
  CHECK(Encoded([&](std::string* o) { EncodeCopyOutResponse(o, 0, formats); }) ==
        "48 00 00 00 0b 00 00 02 00 00 00 00");
  CHECK(Encoded([](std::string* o) { EncodeCopyData(o, "1\n"); }) == "64 00 00 00 06 31 0a");
  CHECK(Encoded([](std::string* o) { EncodeCopyDone(o); }) == "63 00 00 00 04");
  const std::array<std::string, 1> unknown = {"_pq_.x"};
  CHECK(Encoded([&](std::string* o) { EncodeNegotiateProtocolVersion(o, 0, unknown); }) ==
        "76 00 00 00 13 00 00 00 00 00 00 00 01 5f 70 71 5f 2e 78 00");
  CHECK(Encoded([](std::string* o) { EncodeSslResponse(o, false); }) == "4e");
  CHECK(Encoded([](std::string* o) { EncodeSslResponse(o, true); }) == "53");
}

TEST_CASE("pgwire: encoders append after existing bytes") {
  std::string out = "prefix";
  EncodeReadyForQuery(&out, TransactionStatus::kIdle);
  EncodeCommandComplete(&out, "BEGIN");
  CHECK(SpacedHex(out.substr(6)) == "5a 00 00 00 05 49 43 00 00 00 0a 42 45 47 49 4e 00");
  CHECK(out.substr(0, 6) == "prefix");
}

}  // namespace
}  // namespace blockdb::pgwire
