#include "pgwire/md5_auth.h"

#include "pgwire/internal/crypto.h"
#include "pgwire/sqlstate.h"

namespace blockdb::pgwire {

namespace {

constexpr std::string_view kMd5Prefix = "md5";
constexpr size_t kStoredLength = 35;  // "md5" + 32 hex digits

std::string Md5Hex(std::string_view a, std::string_view b) {
  return internal::LowerHex(internal::Md5Digest({a, b}));
}

}  // namespace

std::string Md5StoredPassword(std::string_view password, std::string_view user) {
  return std::string(kMd5Prefix) + Md5Hex(password, user);
}

Result<std::string> Md5SaltedResponse(std::string_view stored, std::string_view salt) {
  if (stored.size() != kStoredLength || !stored.starts_with(kMd5Prefix)) {
    return Status::InvalidArgument("stored password is not in MD5 form");
  }
  if (salt.size() != kMd5SaltLength) {
    return Status::InvalidArgument("MD5 salt must be 4 bytes");
  }
  return std::string(kMd5Prefix) + Md5Hex(stored.substr(kMd5Prefix.size()), salt);
}

Status VerifyMd5Response(std::string_view stored, std::string_view salt,
                         std::string_view response) {
  ASSIGN_OR_RETURN(std::string expected, Md5SaltedResponse(stored, salt));
  if (!internal::ConstantTimeEquals(expected, response)) {
    return Status::InvalidArgument("password authentication failed")
        .WithSqlState(kSqlStateInvalidPassword);
  }
  return Status::OK();
}

Result<std::string> MakeMd5Salt() { return internal::RandomBytes(kMd5SaltLength); }

}  // namespace blockdb::pgwire
