// MD5 password authentication against PostgreSQL 15's stored hash.
#include <doctest/doctest.h>

#include "pgwire/md5_auth.h"

namespace blockdb::pgwire {
namespace {

// CREATE ROLE bob PASSWORD 'secret' with password_encryption=md5 on PostgreSQL 15.
constexpr char kPgStoredBob[] = "md521f3163f8f86fa10bdefbfbd502a8f06";
// md5(hex part + salt 01 02 03 04), as libpq computes it.
constexpr char kResponseBob[] = "md5f21dfe33ff3a9e03dbc3e008251fe5cc";
const std::string kSalt("\x01\x02\x03\x04", 4);

TEST_CASE("md5: stored form equals PostgreSQL's") {
  CHECK(Md5StoredPassword("secret", "bob") == kPgStoredBob);
}

TEST_CASE("md5: salted response and verification") {
  auto r = Md5SaltedResponse(kPgStoredBob, kSalt);
  REQUIRE(r.ok());
  CHECK(*r == kResponseBob);
  CHECK(VerifyMd5Response(kPgStoredBob, kSalt, kResponseBob).ok());
  Status wrong = VerifyMd5Response(kPgStoredBob, kSalt, "md5f21dfe33ff3a9e03dbc3e008251fe5cd");
  CHECK(wrong.sqlstate() == "28P01");
  CHECK(VerifyMd5Response(kPgStoredBob, std::string("\x01\x02\x03\x05", 4), kResponseBob)
            .sqlstate() == "28P01");
  CHECK(VerifyMd5Response(kPgStoredBob, kSalt, "").sqlstate() == "28P01");
  CHECK(VerifyMd5Response(kPgStoredBob, kSalt, "secret").sqlstate() == "28P01");
}

TEST_CASE("md5: bad stored form or salt") {
  CHECK_FALSE(Md5SaltedResponse("secret", kSalt).ok());
  CHECK_FALSE(Md5SaltedResponse("xyz21f3163f8f86fa10bdefbfbd502a8f06", kSalt).ok());
  CHECK_FALSE(Md5SaltedResponse(kPgStoredBob, "abc").ok());
  CHECK_FALSE(VerifyMd5Response(kPgStoredBob, "abcde", kResponseBob).ok());
}

TEST_CASE("md5: random salts") {
  auto a = MakeMd5Salt();
  auto b = MakeMd5Salt();
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->size() == 4);
  // 2^-32 chance of a false failure.
  CHECK(*a != *b);
}

}  // namespace
}  // namespace blockdb::pgwire
