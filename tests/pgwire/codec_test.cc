// FrontendDecoder: framing, every frontend message type, and every malformed case.
#include <doctest/doctest.h>

#include "pgwire/codec.h"
#include "pgwire/frontend_builder.h"
#include "pgwire/hex_util.h"

namespace blockdb::pgwire {
namespace {

using namespace testing;  // NOLINT: test helpers

const std::string kStartup = StartupBytes({{"user", "alice"}, {"database", "db"}});

// Feeds `bytes` and returns the single message they must decode to.
FrontendMessage DecodeOne(FrontendDecoder* d, const std::string& bytes) {
  d->Feed(bytes);
  auto r = d->Next();
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  REQUIRE(r->has_value());
  FrontendMessage m = std::move(**r);
  auto again = d->Next();
  REQUIRE(again.ok());
  CHECK_FALSE(again->has_value());
  return m;
}

// A decoder past the startup phase.
FrontendDecoder Started(DecoderLimits limits = {}) {
  FrontendDecoder d(limits);
  DecodeOne(&d, kStartup);
  return d;
}

// Feeds `bytes` to a started decoder and returns the error it must produce.
Status TypedError(const std::string& bytes, AuthExpectation auth = AuthExpectation::kNone) {
  FrontendDecoder d = Started();
  d.ExpectAuthResponse(auth);
  d.Feed(bytes);
  auto r = d.Next();
  REQUIRE_FALSE(r.ok());
  return r.status();
}

Status StartupError(const std::string& bytes) {
  FrontendDecoder d;
  d.Feed(bytes);
  auto r = d.Next();
  REQUIRE_FALSE(r.ok());
  return r.status();
}

TEST_CASE("pgwire decoder: StartupMessage with parameters, fed one byte at a time") {
  FrontendDecoder d;
  for (size_t i = 0; i + 1 < kStartup.size(); ++i) {
    d.Feed(kStartup.substr(i, 1));
    auto r = d.Next();
    REQUIRE(r.ok());
    REQUIRE_FALSE(r->has_value());
  }
  d.Feed(kStartup.substr(kStartup.size() - 1));
  auto r = d.Next();
  REQUIRE(r.ok());
  REQUIRE(r->has_value());
  const auto& s = std::get<StartupMessage>(**r);
  CHECK(s.protocol_major == 3);
  CHECK(s.protocol_minor == 0);
  REQUIRE(s.parameters.size() == 2);
  CHECK(s.Find("user") == "alice");
  CHECK(s.Find("database") == "db");
  CHECK_FALSE(s.Find("options").has_value());
  CHECK(d.phase() == FrontendDecoder::Phase::kTyped);
  CHECK(d.buffered() == 0);
}

TEST_CASE("pgwire decoder: the StartupMessage example of docs/protocol/pgwire.md") {
  const std::string bytes = Unhex(
      "00 00 00 20 00 03 00 00 75 73 65 72 00 61 6c 69 63 65 00 64 61 74 61 62 61 73 65 00 64 "
      "62 00 00");
  CHECK(bytes == StartupBytes({{"user", "alice"}, {"database", "db"}}));
  FrontendDecoder d;
  const auto s = std::get<StartupMessage>(DecodeOne(&d, bytes));
  CHECK(s.Find("user") == "alice");
  CHECK(s.Find("database") == "db");
}

TEST_CASE("pgwire decoder: startup with no parameters and minor version 3.2") {
  FrontendDecoder d;
  auto m = DecodeOne(&d, StartupBytes({{"_pq_.x", "1"}}, (3 << 16) | 2));
  const auto& s = std::get<StartupMessage>(m);
  CHECK(s.protocol_minor == 2);
  CHECK(s.Find("_pq_.x") == "1");
  FrontendDecoder d2;
  CHECK(std::get<StartupMessage>(DecodeOne(&d2, StartupBytes({}))).parameters.empty());
}

TEST_CASE("pgwire decoder: SSLRequest then GSSENCRequest then StartupMessage") {
  FrontendDecoder d;
  CHECK(std::holds_alternative<SslRequest>(DecodeOne(&d, Untyped(kSslRequestCode, ""))));
  CHECK(d.phase() == FrontendDecoder::Phase::kStartup);
  CHECK(std::holds_alternative<GssEncRequest>(DecodeOne(&d, Untyped(kGssEncRequestCode, ""))));
  CHECK(std::holds_alternative<StartupMessage>(DecodeOne(&d, kStartup)));
}

TEST_CASE("pgwire decoder: CancelRequest ends the connection") {
  FrontendDecoder d;
  std::string body;
  AppendInt32(&body, 4242);
  AppendInt32(&body, -7);
  d.Feed(Untyped(kCancelRequestCode, body) + "trailing junk");
  auto r = d.Next();
  REQUIRE(r.ok());
  const auto& c = std::get<CancelRequest>(**r);
  CHECK(c.process_id == 4242);
  CHECK(c.secret_key == -7);
  CHECK(d.phase() == FrontendDecoder::Phase::kClosed);
  auto after = d.Next();
  REQUIRE(after.ok());
  CHECK_FALSE(after->has_value());
  CHECK(d.buffered() == 0);
}

TEST_CASE("pgwire decoder: malformed startup packets") {
  SUBCASE("length below 8") {
    std::string b;
    AppendInt32(&b, 7);
    b += "abc";
    CHECK(StartupError(b).sqlstate() == "08P01");
  }
  SUBCASE("length over the startup limit, rejected before the body arrives") {
    std::string b;
    AppendInt32(&b, 10001);
    CHECK(StartupError(b).sqlstate() == "08P01");
  }
  SUBCASE("negative length") {
    std::string b;
    AppendInt32(&b, -1);
    CHECK(StartupError(b).sqlstate() == "08P01");
  }
  SUBCASE("protocol 2.0 is 0A000, like PostgreSQL") {
    Status s = StartupError(StartupBytes({{"user", "a"}}, 2 << 16));
    CHECK(s.sqlstate() == "0A000");
    CHECK(s.message().find("unsupported frontend protocol 2.0") != std::string::npos);
  }
  SUBCASE("protocol 4.0") { CHECK(StartupError(StartupBytes({}, 4 << 16)).sqlstate() == "0A000"); }
  SUBCASE("missing list terminator") {
    std::string body;
    AppendCString(&body, "user");
    AppendCString(&body, "a");
    CHECK(StartupError(Untyped(kProtocolVersion3, body)).sqlstate() == "08P01");
  }
  SUBCASE("name without value") {
    std::string body;
    AppendCString(&body, "user");
    body.push_back('\0');
    CHECK(StartupError(Untyped(kProtocolVersion3, body)).sqlstate() == "08P01");
  }
  SUBCASE("value without NUL") {
    CHECK(StartupError(Untyped(kProtocolVersion3, std::string("user\0a", 6))).sqlstate() ==
          "08P01");
  }
  SUBCASE("bytes after the terminator") {
    CHECK(StartupError(Untyped(kProtocolVersion3, std::string("\0x", 2))).sqlstate() == "08P01");
  }
  SUBCASE("SSLRequest with a body") {
    CHECK(StartupError(Untyped(kSslRequestCode, "xxxx")).sqlstate() == "08P01");
  }
  SUBCASE("CancelRequest too short") {
    CHECK(StartupError(Untyped(kCancelRequestCode, "1234")).sqlstate() == "08P01");
  }
  SUBCASE("data pipelined after SSLRequest (CVE-2021-23214)") {
    Status s = StartupError(Untyped(kSslRequestCode, "") + kStartup);
    CHECK(s.sqlstate() == "08P01");
    CHECK(s.message().find("unencrypted data after SSL request") != std::string::npos);
  }
}

TEST_CASE("pgwire decoder: a second SSLRequest is a protocol violation") {
  FrontendDecoder d;
  DecodeOne(&d, Untyped(kSslRequestCode, ""));
  d.Feed(Untyped(kSslRequestCode, ""));
  auto r = d.Next();
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().sqlstate() == "08P01");
}

TEST_CASE("pgwire decoder: errors are sticky and drop the buffer") {
  FrontendDecoder d = Started();
  d.Feed(Typed('?', ""));
  auto r1 = d.Next();
  REQUIRE_FALSE(r1.ok());
  d.Feed(QueryBytes("select 1"));
  auto r2 = d.Next();
  REQUIRE_FALSE(r2.ok());
  CHECK(r2.status().message() == r1.status().message());
  CHECK(d.buffered() == 0);
}

TEST_CASE("pgwire decoder: Query, pipelined messages in one feed") {
  FrontendDecoder d = Started();
  d.Feed(QueryBytes("select 1; select 2") + Typed('S', "") + Typed('H', ""));
  auto q = d.Next();
  REQUIRE(q.ok());
  CHECK(std::get<Query>(**q).sql == "select 1; select 2");
  CHECK(std::holds_alternative<Sync>(**d.Next()));
  CHECK(std::holds_alternative<Flush>(**d.Next()));
  CHECK_FALSE(d.Next()->has_value());
}

TEST_CASE("pgwire decoder: extended protocol messages round trip") {
  FrontendDecoder d = Started();
  SUBCASE("Parse") {
    auto m = std::get<Parse>(DecodeOne(&d, ParseBytes("s1", "select $1, $2", {23, 0})));
    CHECK(m.statement == "s1");
    CHECK(m.query == "select $1, $2");
    CHECK(m.param_types == std::vector<Oid>{23, 0});
  }
  SUBCASE("Bind with NULL, empty and binary parameters") {
    auto m = std::get<Bind>(
        DecodeOne(&d, BindBytes("p", "s1", {0, 1, 1},
                                {std::nullopt, std::string(""), std::string("\0\1", 2)}, {1})));
    CHECK(m.portal == "p");
    CHECK(m.statement == "s1");
    REQUIRE(m.params.size() == 3);
    CHECK_FALSE(m.params[0].has_value());
    CHECK(m.params[1] == "");
    CHECK(m.params[2] == std::string("\0\1", 2));
    CHECK(m.ParamFormat(0) == kFormatText);
    CHECK(m.ParamFormat(2) == kFormatBinary);
    CHECK(m.result_formats == std::vector<int16_t>{1});
  }
  SUBCASE("Bind with one format for all parameters") {
    auto m = std::get<Bind>(
        DecodeOne(&d, BindBytes("", "", {1}, {std::string("a"), std::string("b")}, {})));
    CHECK(m.ParamFormat(0) == kFormatBinary);
    CHECK(m.ParamFormat(1) == kFormatBinary);
  }
  SUBCASE("Describe and Close") {
    auto ds = std::get<Describe>(DecodeOne(&d, TargetedBytes('D', 'S', "s1")));
    CHECK(ds.kind == ObjectKind::kStatement);
    CHECK(ds.name == "s1");
    auto cp = std::get<Close>(DecodeOne(&d, TargetedBytes('C', 'P', "")));
    CHECK(cp.kind == ObjectKind::kPortal);
    CHECK(cp.name.empty());
  }
  SUBCASE("Execute") {
    auto e = std::get<Execute>(DecodeOne(&d, ExecuteBytes("p", 50)));
    CHECK(e.portal == "p");
    CHECK(e.max_rows == 50);
  }
  SUBCASE("Copy messages") {
    CHECK(std::get<CopyData>(DecodeOne(&d, Typed('d', std::string("1\t\0x\n", 5)))).data ==
          std::string("1\t\0x\n", 5));
    CHECK(std::holds_alternative<CopyDone>(DecodeOne(&d, Typed('c', ""))));
    CHECK(std::get<CopyFail>(DecodeOne(&d, Typed('f', std::string("oops\0", 5)))).message ==
          "oops");
  }
}

TEST_CASE("pgwire decoder: Terminate closes") {
  FrontendDecoder d = Started();
  d.Feed(Typed('X', "") + QueryBytes("ignored"));
  CHECK(std::holds_alternative<Terminate>(**d.Next()));
  CHECK(d.phase() == FrontendDecoder::Phase::kClosed);
  auto r = d.Next();
  REQUIRE(r.ok());
  CHECK_FALSE(r->has_value());
}

TEST_CASE("pgwire decoder: 'p' is read according to the authentication in progress") {
  FrontendDecoder d = Started();
  d.ExpectAuthResponse(AuthExpectation::kPassword);
  CHECK(std::get<PasswordMessage>(DecodeOne(&d, Typed('p', std::string("secret\0", 7)))).password ==
        "secret");
  d.ExpectAuthResponse(AuthExpectation::kSaslInitial);
  std::string body;
  AppendCString(&body, "SCRAM-SHA-256");
  AppendInt32(&body, 5);
  body += "n,,n=";
  auto init = std::get<SaslInitialResponse>(DecodeOne(&d, Typed('p', body)));
  CHECK(init.mechanism == "SCRAM-SHA-256");
  CHECK(init.data == "n,,n=");
  std::string none;
  AppendCString(&none, "SCRAM-SHA-256");
  AppendInt32(&none, -1);
  CHECK_FALSE(std::get<SaslInitialResponse>(DecodeOne(&d, Typed('p', none))).data.has_value());
  d.ExpectAuthResponse(AuthExpectation::kSaslResponse);
  CHECK(std::get<SaslResponse>(DecodeOne(&d, Typed('p', "c=biws,r=x,p=y"))).data ==
        "c=biws,r=x,p=y");
  d.ExpectAuthResponse(AuthExpectation::kNone);
  d.Feed(Typed('p', std::string("x\0", 2)));
  CHECK(d.Next().status().sqlstate() == "08P01");
}

TEST_CASE("pgwire decoder: only 'p' and 'X' during authentication") {
  CHECK(TypedError(QueryBytes("select 1"), AuthExpectation::kPassword).sqlstate() == "08P01");
  FrontendDecoder d = Started();
  d.ExpectAuthResponse(AuthExpectation::kSaslResponse);
  CHECK(std::holds_alternative<Terminate>(DecodeOne(&d, Typed('X', ""))));
}

TEST_CASE("pgwire decoder: malformed typed messages are 08P01") {
  const auto violation = [](const std::string& bytes,
                            AuthExpectation auth = AuthExpectation::kNone) {
    Status s = TypedError(bytes, auth);
    CHECK_MESSAGE(s.sqlstate() == "08P01", s.ToString());
    CHECK(s.IsInvalidArgument());
  };
  SUBCASE("unknown type") { violation(Typed('F', "")); }
  SUBCASE("type 0") { violation(std::string(1, '\0')); }
  SUBCASE("length below 4") {
    std::string b = "S";
    AppendInt32(&b, 3);
    violation(b);
  }
  SUBCASE("negative length") {
    std::string b = "Q";
    AppendInt32(&b, -5);
    violation(b);
  }
  SUBCASE("Sync with a body") { violation(Typed('S', "x")); }
  SUBCASE("Flush with a body") { violation(Typed('H', "x")); }
  SUBCASE("Terminate with a body") { violation(Typed('X', "x")); }
  SUBCASE("CopyDone with a body") { violation(Typed('c', "x")); }
  SUBCASE("Query without NUL") { violation(Typed('Q', "select 1")); }
  SUBCASE("Query with bytes after the NUL") { violation(Typed('Q', std::string("a\0b", 3))); }
  SUBCASE("Parse without query string") { violation(Typed('P', std::string("s\0", 2))); }
  SUBCASE("Parse with more OIDs announced than sent") {
    std::string body = std::string("\0select 1\0", 10);
    AppendInt16(&body, 3);
    AppendInt32(&body, 23);
    violation(Typed('P', body));
  }
  SUBCASE("Parse with trailing bytes") { violation(Typed('P', std::string("\0x\0\0\0zz", 7))); }
  SUBCASE("Bind with format count mismatch") {
    violation(BindBytes("", "", {0, 0}, {std::string("a")}, {}));
  }
  SUBCASE("Bind with a value longer than the message") {
    std::string body = std::string("\0\0", 2);
    AppendInt16(&body, 0);
    AppendInt16(&body, 1);
    AppendInt32(&body, 1000);
    body += "abc";
    AppendInt16(&body, 0);
    violation(Typed('B', body));
  }
  SUBCASE("Bind with length -2") {
    std::string body = std::string("\0\0", 2);
    AppendInt16(&body, 0);
    AppendInt16(&body, 1);
    AppendInt32(&body, -2);
    AppendInt16(&body, 0);
    violation(Typed('B', body));
  }
  SUBCASE("Bind with a parameter count exceeding the message") {
    std::string body = std::string("\0\0", 2);
    AppendInt16(&body, 0);
    AppendInt16(&body, 65535);
    violation(Typed('B', body));
  }
  SUBCASE("Bind missing result format count") {
    std::string b = BindBytes("", "", {}, {}, {});
    violation(Typed('B', b.substr(5, b.size() - 7)));
  }
  SUBCASE("Bind with trailing bytes") {
    std::string b = BindBytes("", "", {}, {}, {});
    violation(Typed('B', b.substr(5) + "z"));
  }
  SUBCASE("Describe with a bad subtype") { violation(TargetedBytes('D', 'X', "s")); }
  SUBCASE("Close with a bad subtype") { violation(TargetedBytes('C', 's', "s")); }
  SUBCASE("Describe empty") { violation(Typed('D', "")); }
  SUBCASE("Describe name without NUL") { violation(Typed('D', "Sname")); }
  SUBCASE("Execute without row count") { violation(Typed('E', std::string("p\0", 2))); }
  SUBCASE("CopyFail without NUL") { violation(Typed('f', "oops")); }
  SUBCASE("PasswordMessage without NUL") {
    violation(Typed('p', "secret"), AuthExpectation::kPassword);
  }
  SUBCASE("PasswordMessage with bytes after the NUL") {
    violation(Typed('p', std::string("a\0b", 3)), AuthExpectation::kPassword);
  }
  SUBCASE("SASLInitialResponse data longer than the message") {
    std::string body;
    AppendCString(&body, "SCRAM-SHA-256");
    AppendInt32(&body, 100);
    body += "n,,";
    violation(Typed('p', body), AuthExpectation::kSaslInitial);
  }
  SUBCASE("SASLInitialResponse negative length other than -1") {
    std::string body;
    AppendCString(&body, "SCRAM-SHA-256");
    AppendInt32(&body, -3);
    violation(Typed('p', body), AuthExpectation::kSaslInitial);
  }
  SUBCASE("SASLInitialResponse without length") {
    violation(Typed('p', std::string("SCRAM-SHA-256\0", 14)), AuthExpectation::kSaslInitial);
  }
}

TEST_CASE("pgwire decoder: Execute with trailing bytes") {
  std::string body;
  AppendCString(&body, "");
  AppendInt32(&body, 0);
  body += "x";
  CHECK(TypedError(Typed('E', body)).sqlstate() == "08P01");
}

TEST_CASE("pgwire decoder: size limits are checked from the header alone") {
  DecoderLimits limits;
  limits.max_message_size = 1000;
  limits.max_small_message_size = 100;
  limits.max_auth_message_size = 200;
  SUBCASE("a large message type at its limit is accepted") {
    FrontendDecoder d = Started(limits);
    auto q = std::get<Query>(DecodeOne(&d, QueryBytes(std::string(995, 'x'))));
    CHECK(q.sql.size() == 995);
  }
  SUBCASE("one byte over is rejected when only the 5-byte header has arrived") {
    FrontendDecoder d = Started(limits);
    std::string header = "Q";
    AppendInt32(&header, 1001);
    d.Feed(header);
    auto r = d.Next();
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().sqlstate() == "08P01");
  }
  SUBCASE("a 2 GB length is rejected without waiting or allocating") {
    FrontendDecoder d = Started();
    std::string header = "d";
    AppendInt32(&header, 0x7fffffff);
    d.Feed(header);
    CHECK(d.Next().status().sqlstate() == "08P01");
  }
  SUBCASE("small message types use the small limit") {
    FrontendDecoder d = Started(limits);
    d.Feed(TargetedBytes('D', 'S', std::string(100, 'n')));
    CHECK(d.Next().status().sqlstate() == "08P01");
  }
  SUBCASE("password messages use the auth limit") {
    FrontendDecoder d = Started(limits);
    d.ExpectAuthResponse(AuthExpectation::kSaslResponse);
    CHECK(std::get<SaslResponse>(DecodeOne(&d, Typed('p', std::string(196, 'a')))).data.size() ==
          196);
    d.Feed(Typed('p', std::string(197, 'a')));
    CHECK(d.Next().status().sqlstate() == "08P01");
  }
}

TEST_CASE("pgwire decoder: DecodeTypedMessage rejects unknown types directly") {
  auto r = DecodeTypedMessage('Z', "", AuthExpectation::kNone);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().sqlstate() == "08P01");
}

}  // namespace
}  // namespace blockdb::pgwire
