// SCRAM-SHA-256: the RFC 7677 example exchange, verifiers produced by PostgreSQL 15, full
// exchanges as libpq and node-postgres run them, and every failure path.
#include <doctest/doctest.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "pgwire/internal/base64.h"
#include "pgwire/scram.h"

namespace blockdb::pgwire {
namespace {

using internal::Base64Decode;
using internal::Base64Encode;

constexpr char kRfcClientFirst[] = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr char kRfcServerNonce[] = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
constexpr char kRfcServerFirst[] =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr char kRfcClientFinal[] =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr char kRfcServerFinal[] = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

// Written by PostgreSQL 15 (CREATE ROLE ... PASSWORD, password_encryption=scram-sha-256).
constexpr char kPgVerifierPencil[] =
    "SCRAM-SHA-256$4096:iqT9XjM7bQ/h/eQ5AtgVyA==$rLtBaSlIF84/KzMRxO2pe4GmyCNSGEx0VD0H1wA/XhU=:"
    "fKL/DzkS4LE4ogX3CLC8VKa/Xngg9gW8gl2QT9CxGCY=";
constexpr char kPgVerifierUmlaut[] =  // password "pässwörd" (UTF-8)
    "SCRAM-SHA-256$4096:VAsQ1dF+7RWuvBytC1sRuw==$LZ1EC0u7oN4rvJl/R+yJQYcIAfDW88Z+qqWKE+ikW5o=:"
    "sl0zX62vCeCJqsiZsaQ9tn2RQ6AgPreQLfIZxjy16F0=";

std::string Hmac(std::string_view key, std::string_view data) {
  unsigned char out[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

// The client side of RFC 5802, written directly over OpenSSL (independent of the server code):
// the proof for `auth_message`.
std::string ClientProof(std::string_view password, std::string_view salt, int iterations,
                        std::string_view auth_message) {
  unsigned char salted[32];
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), iterations, EVP_sha256(), 32, salted);
  const std::string client_key =
      Hmac(std::string_view(reinterpret_cast<char*>(salted), 32), "Client Key");
  unsigned char stored[32];
  SHA256(reinterpret_cast<const unsigned char*>(client_key.data()), client_key.size(), stored);
  const std::string sig = Hmac(std::string_view(reinterpret_cast<char*>(stored), 32), auth_message);
  std::string proof = client_key;
  for (size_t i = 0; i < proof.size(); ++i) {
    proof[i] = static_cast<char>(proof[i] ^ sig[i]);
  }
  return proof;
}

// Attribute value after "<attr>=" in a comma-separated SCRAM message.
std::string Attr(std::string_view message, char attr) {
  const std::string key = std::string(1, attr) + "=";
  size_t at = message.starts_with(key) ? 0 : message.find("," + key);
  REQUIRE(at != std::string_view::npos);
  at += message.starts_with(key) && at == 0 ? 2 : 3;
  return std::string(message.substr(at, message.find(',', at) - at));
}

// Runs a full exchange as a client with `password`; returns the final step's result.
Result<std::string> RunExchange(ScramServer* server, std::string_view password,
                                std::string_view gs2 = "n,,", std::string_view user = "",
                                std::string_view mechanism = kScramSha256,
                                std::string_view cbind_data = "") {
  const std::string client_nonce = "fyko+d2lbbFgONRv9qkxdawL";
  const std::string bare = "n=" + std::string(user) + ",r=" + client_nonce;
  auto first = server->HandleClientFirst(mechanism, std::string(gs2) + bare);
  REQUIRE_MESSAGE(first.ok(), first.status().ToString());
  const std::string nonce = Attr(*first, 'r');
  CHECK(nonce.starts_with(client_nonce));
  const std::string salt = *Base64Decode(Attr(*first, 's'));
  const int iterations = std::stoi(Attr(*first, 'i'));
  const std::string without_proof =
      "c=" + Base64Encode(std::string(gs2) + std::string(cbind_data)) + ",r=" + nonce;
  const std::string auth = bare + "," + *first + "," + without_proof;
  return server->HandleClientFinal(
      without_proof + ",p=" + Base64Encode(ClientProof(password, salt, iterations, auth)));
}

ScramServer RfcServer(ScramServerOptions options = {}) {
  auto verifier =
      MakeScramVerifierWithSalt("pencil", *Base64Decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
  REQUIRE(verifier.ok());
  options.server_nonce = kRfcServerNonce;
  return ScramServer(*verifier, options);
}

TEST_CASE("scram: RFC 7677 example exchange, byte for byte") {
  ScramServer server = RfcServer();
  auto first = server.HandleClientFirst(kScramSha256, kRfcClientFirst);
  REQUIRE(first.ok());
  CHECK(*first == kRfcServerFirst);
  auto final_message = server.HandleClientFinal(kRfcClientFinal);
  REQUIRE_MESSAGE(final_message.ok(), final_message.status().ToString());
  CHECK(*final_message == kRfcServerFinal);
  CHECK(server.succeeded());
}

TEST_CASE("scram: the test client reproduces the RFC 7677 proof") {
  const std::string auth = std::string("n=user,r=rOprNGfwEbeRWgbNEkqO,") + kRfcServerFirst +
                           ",c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
  CHECK(Base64Encode(ClientProof("pencil", *Base64Decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096,
                                 auth)) == "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
}

TEST_CASE("scram: verifiers written by PostgreSQL 15 parse, re-format and re-derive") {
  for (const char* text : {kPgVerifierPencil, kPgVerifierUmlaut}) {
    auto v = ParseScramVerifier(text);
    REQUIRE(v.ok());
    CHECK(v->iterations == 4096);
    CHECK(v->salt.size() == 16);
    CHECK(FormatScramVerifier(*v) == text);
  }
  auto pg = ParseScramVerifier(kPgVerifierPencil);
  auto ours = MakeScramVerifierWithSalt("pencil", pg->salt, 4096);
  REQUIRE(ours.ok());
  CHECK(FormatScramVerifier(*ours) == kPgVerifierPencil);
  auto umlaut = ParseScramVerifier(kPgVerifierUmlaut);
  auto ours_umlaut = MakeScramVerifierWithSalt("p\xc3\xa4sSw\xc3\xb6rd", umlaut->salt, 4096);
  CHECK(FormatScramVerifier(*ours_umlaut) != kPgVerifierUmlaut);  // case matters
  ours_umlaut = MakeScramVerifierWithSalt("p\xc3\xa4sswo\xcc\x88rd", umlaut->salt, 4096);
  CHECK(FormatScramVerifier(*ours_umlaut) != kPgVerifierUmlaut);  // NFD form: not normalised
  ours_umlaut = MakeScramVerifierWithSalt("p\xc3\xa4ssw\xc3\xb6rd", umlaut->salt, 4096);
  CHECK(FormatScramVerifier(*ours_umlaut) == kPgVerifierUmlaut);
}

TEST_CASE("scram: a PostgreSQL verifier authenticates a client that knows the password") {
  ScramServer server(*ParseScramVerifier(kPgVerifierPencil), {});
  auto r = RunExchange(&server, "pencil", "n,,", "");  // libpq sends an empty n=
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->starts_with("v="));
  CHECK(server.succeeded());
}

TEST_CASE("scram: fresh verifier, node-postgres style user n=*, random server nonce") {
  auto v = MakeScramVerifier("correct horse");
  REQUIRE(v.ok());
  CHECK(v->salt.size() == kScramSaltLength);
  CHECK(v->iterations == 4096);
  auto v2 = MakeScramVerifier("correct horse");
  CHECK(v2->salt != v->salt);
  ScramServer server(*v, {});
  auto first = server.HandleClientFirst(kScramSha256, "n,,n=*,r=abc");
  REQUIRE(first.ok());
  // 18 random bytes, base64: 24 characters after the client's nonce.
  CHECK(Attr(*first, 'r').size() == 3 + 24);
  ScramServer server2(*v, {});
  CHECK(RunExchange(&server2, "correct horse", "n,,", "*").ok());
}

TEST_CASE("scram: client-final with an extension attribute before the proof") {
  ScramServer server = RfcServer();
  REQUIRE(server.HandleClientFirst(kScramSha256, kRfcClientFirst).ok());
  // The extension changes the AuthMessage, so the RFC proof no longer matches: 28P01, which
  // also shows the extension is part of what is signed.
  auto r = server.HandleClientFinal(
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,x=ext,"
      "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().sqlstate() == "28P01");
}

TEST_CASE("scram: wrong password is 28P01") {
  ScramServer server(*ParseScramVerifier(kPgVerifierPencil), {});
  auto r = RunExchange(&server, "pencil2");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().sqlstate() == "28P01");
  CHECK_FALSE(server.succeeded());
  CHECK(server.HandleClientFinal(kRfcClientFinal).status().sqlstate() == "08P01");
}

TEST_CASE("scram: changed nonce is 08P01") {
  ScramServer server = RfcServer();
  REQUIRE(server.HandleClientFirst(kScramSha256, kRfcClientFirst).ok());
  auto r = server.HandleClientFinal(
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k1,"
      "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().sqlstate() == "08P01");
  CHECK(r.status().message().find("nonce") != std::string::npos);
}

TEST_CASE("scram: malformed client-first-message") {
  const auto fails_with = [](std::string_view message, const char* sqlstate,
                             std::string_view mechanism = kScramSha256) {
    ScramServer server = RfcServer();
    auto r = server.HandleClientFirst(mechanism, message);
    REQUIRE_FALSE(r.ok());
    CHECK_MESSAGE(r.status().sqlstate() == sqlstate, message, ": ", r.status().ToString());
    CHECK(server.HandleClientFinal(kRfcClientFinal).status().sqlstate() == "08P01");
  };
  fails_with("", "08P01");
  fails_with("n,,", "08P01");
  fails_with("n,,n=user", "08P01");
  fails_with("x,,n=user,r=abc", "08P01");
  fails_with("n,n=user,r=abc", "08P01");
  fails_with("n,,r=abc,n=user", "08P01");
  fails_with("n,,n=user,r=", "08P01");
  fails_with("n,,n=user,r=a b", "08P01");
  fails_with("n,,n=user,r=abc,ext", "08P01");
  fails_with("n,,n=user,r=abc,1=x", "08P01");
  fails_with(std::string_view("n,,n=user,r=a\0b", 15), "08P01");
  fails_with("n,a=admin,n=user,r=abc", "0A000");
  fails_with("n,,m=ext,n=user,r=abc", "0A000");
  fails_with(kRfcClientFirst, "08P01", "SCRAM-SHA-1");
  fails_with(kRfcClientFirst, "08P01", "");
  // PLUS needs TLS; without it the mechanism was never offered.
  fails_with("p=tls-server-end-point,,n=,r=abc", "08P01", kScramSha256Plus);
  // 'p' flag with the non-PLUS mechanism.
  fails_with("p=tls-server-end-point,,n=,r=abc", "08P01");
}

TEST_CASE("scram: malformed client-final-message") {
  const auto fails_with = [](std::string_view message, const char* sqlstate) {
    ScramServer server = RfcServer();
    REQUIRE(server.HandleClientFirst(kScramSha256, kRfcClientFirst).ok());
    auto r = server.HandleClientFinal(message);
    REQUIRE_FALSE(r.ok());
    CHECK_MESSAGE(r.status().sqlstate() == sqlstate, message, ": ", r.status().ToString());
    CHECK_FALSE(server.succeeded());
  };
  const std::string nonce = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
  const std::string proof = "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
  fails_with("", "08P01");
  fails_with("c=biws," + nonce, "08P01");                         // no proof
  fails_with(nonce + ",c=biws," + proof, "08P01");                // wrong order
  fails_with("c=eSws," + nonce + "," + proof, "08P01");           // flag changed to y
  fails_with("c=bi*s," + nonce + "," + proof, "08P01");           // not base64
  fails_with("c=biws," + nonce + ",p=dHzb", "08P01");             // proof not base64
  fails_with("c=biws," + nonce + ",p=AAAA", "08P01");             // proof too short
  fails_with("c=biws," + nonce + "," + proof + ",x=y", "08P01");  // after the proof
  fails_with("c=biws," + nonce + ",bad," + proof, "08P01");       // invalid extension
  fails_with("c=biws," + nonce + "," + proof + "=", "08P01");     // bad padding
}

TEST_CASE("scram: steps out of order") {
  ScramServer server = RfcServer();
  CHECK(server.HandleClientFinal(kRfcClientFinal).status().sqlstate() == "08P01");
  ScramServer twice = RfcServer();
  REQUIRE(twice.HandleClientFirst(kScramSha256, kRfcClientFirst).ok());
  CHECK(twice.HandleClientFirst(kScramSha256, kRfcClientFirst).status().sqlstate() == "08P01");
}

TEST_CASE("scram: channel binding over TLS (SCRAM-SHA-256-PLUS, tls-server-end-point)") {
  ScramServerOptions tls;
  tls.tls_server_end_point = std::string(32, '\x5a');
  CHECK(ScramServer::Mechanisms(true) ==
        std::vector<std::string_view>{kScramSha256Plus, kScramSha256});
  CHECK(ScramServer::Mechanisms(false) == std::vector<std::string_view>{kScramSha256});
  const std::string gs2 = "p=tls-server-end-point,,";
  SUBCASE("matching certificate hash") {
    ScramServer server = RfcServer(tls);
    auto r = RunExchange(&server, "pencil", gs2, "", kScramSha256Plus, *tls.tls_server_end_point);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    CHECK(server.succeeded());
  }
  SUBCASE("a different certificate hash (man in the middle)") {
    ScramServer server = RfcServer(tls);
    auto r = RunExchange(&server, "pencil", gs2, "", kScramSha256Plus, std::string(32, 'x'));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().sqlstate() == "08P01");
  }
  SUBCASE("client without channel binding support over TLS is fine") {
    ScramServer server = RfcServer(tls);
    CHECK(RunExchange(&server, "pencil").ok());
  }
  SUBCASE("'y': client could bind but thinks the server cannot (downgrade)") {
    ScramServer server = RfcServer(tls);
    CHECK(server.HandleClientFirst(kScramSha256, "y,,n=,r=abc").status().sqlstate() == "08P01");
  }
  SUBCASE("'y' without TLS is accepted") {
    ScramServer server = RfcServer();
    CHECK(RunExchange(&server, "pencil", "y,,").ok());
  }
  SUBCASE("PLUS selected but no binding data") {
    ScramServer server = RfcServer(tls);
    CHECK(server.HandleClientFirst(kScramSha256Plus, "n,,n=,r=abc").status().sqlstate() == "08P01");
  }
  SUBCASE("unsupported binding type") {
    ScramServer server = RfcServer(tls);
    CHECK(
        server.HandleClientFirst(kScramSha256Plus, "p=tls-unique,,n=,r=abc").status().sqlstate() ==
        "08P01");
  }
}

TEST_CASE("scram: mock verifier for unknown users never authenticates") {
  const ScramVerifier a = MockScramVerifier("nobody", "server secret");
  const ScramVerifier b = MockScramVerifier("nobody", "server secret");
  const ScramVerifier c = MockScramVerifier("someone", "server secret");
  CHECK(a.salt == b.salt);
  CHECK(a.salt != c.salt);
  CHECK(a.salt.size() == kScramSaltLength);
  ScramServerOptions doomed;
  doomed.doomed = true;
  ScramServer server(a, doomed);
  auto r = RunExchange(&server, "anything");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().sqlstate() == "28P01");
  // Even a correct password fails once the exchange is doomed.
  ScramServer doomed_real(*ParseScramVerifier(kPgVerifierPencil), doomed);
  CHECK(RunExchange(&doomed_real, "pencil").status().sqlstate() == "28P01");
}

TEST_CASE("scram: malformed stored verifiers") {
  for (const char* text :
       {"", "md5abc", "SCRAM-SHA-256$", "SCRAM-SHA-256$4096:c2FsdA==",
        "SCRAM-SHA-256$0:c2FsdA==$AAAA:AAAA", "SCRAM-SHA-256$x:c2FsdA==$AAAA:AAAA",
        "SCRAM-SHA-256$4096:c2FsdA=$rLtBaSlIF84/KzMRxO2pe4GmyCNSGEx0VD0H1wA/XhU=:"
        "fKL/DzkS4LE4ogX3CLC8VKa/Xngg9gW8gl2QT9CxGCY=",
        "SCRAM-SHA-256$4096:c2FsdA==$AAAA:fKL/DzkS4LE4ogX3CLC8VKa/Xngg9gW8gl2QT9CxGCY="}) {
    CHECK_MESSAGE(!ParseScramVerifier(text).ok(), text);
  }
}

TEST_CASE("scram: base64 through OpenSSL with strict padding") {
  CHECK(Base64Encode("") == "");
  CHECK(Base64Encode("f") == "Zg==");
  CHECK(Base64Encode("fo") == "Zm8=");
  CHECK(Base64Encode("foo") == "Zm9v");
  CHECK(Base64Decode("Zg==") == "f");
  CHECK(Base64Decode("Zm8=") == "fo");
  CHECK(Base64Decode("Zm9v") == "foo");
  CHECK(Base64Decode("") == "");
  CHECK_FALSE(Base64Decode("Zg=").has_value());
  CHECK_FALSE(Base64Decode("Z===").has_value());
  CHECK_FALSE(Base64Decode("Zg=a").has_value());
  CHECK_FALSE(Base64Decode(" Zg==").has_value());
  CHECK_FALSE(Base64Decode("Zm9v\n").has_value());
  CHECK(Base64Decode(Base64Encode(std::string("\0\xff\x10", 3))) == std::string("\0\xff\x10", 3));
}

}  // namespace
}  // namespace blockdb::pgwire
