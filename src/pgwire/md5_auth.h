// PostgreSQL's MD5 password authentication (AuthenticationMD5Password), for deployments that
// configure it; SCRAM-SHA-256 (scram.h) is the default. MD5 is computed through OpenSSL EVP.
//
// Stored form: "md5" + hex(md5(password || user)) (35 characters, what PostgreSQL keeps in
// pg_authid). The client answers a 4-byte salt with "md5" + hex(md5(hex(md5(password || user))
// || salt)).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace blockdb::pgwire {

inline constexpr size_t kMd5SaltLength = 4;

// The stored form for a user's password.
std::string Md5StoredPassword(std::string_view password, std::string_view user);

// What a client must send for `stored` (the 35-character stored form) and `salt`.
// InvalidArgument when `stored` is not in the stored form or the salt is not 4 bytes.
Result<std::string> Md5SaltedResponse(std::string_view stored, std::string_view salt);

// OK when `response` (the PasswordMessage) matches; InvalidArgument with 28P01 otherwise. The
// comparison takes the same time wherever the response differs.
Status VerifyMd5Response(std::string_view stored, std::string_view salt, std::string_view response);

// A fresh random salt (OpenSSL RAND_bytes); IOError if the generator fails.
Result<std::string> MakeMd5Salt();

}  // namespace blockdb::pgwire
