#include "pgwire/internal/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "common/check.h"

namespace blockdb::pgwire::internal {

namespace {

constexpr size_t kSha256Length = 32;

std::string Digest(const EVP_MD* md, std::initializer_list<std::string_view> parts) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  // Hashing memory cannot fail short of OpenSSL being unusable (or MD5 disabled by a FIPS
  // policy, under which MD5 authentication cannot be configured in the first place).
  BLOCKDB_CHECK(ctx != nullptr);
  bool ok = EVP_DigestInit_ex(ctx, md, nullptr) == 1;
  for (std::string_view part : parts) {
    ok = ok && EVP_DigestUpdate(ctx, part.data(), part.size()) == 1;
  }
  ok = ok && EVP_DigestFinal_ex(ctx, digest, &len) == 1;
  EVP_MD_CTX_free(ctx);
  BLOCKDB_CHECK(ok);
  return std::string(reinterpret_cast<const char*>(digest), len);
}

}  // namespace

// One EVP helper serves both digests: MD5 (which common/ does not offer, and should not: only
// PostgreSQL's legacy MD5 authentication needs it) and SHA-256 over several parts, as SCRAM uses.
std::string Sha256Digest(std::initializer_list<std::string_view> parts) {
  return Digest(EVP_sha256(), parts);
}

std::string Md5Digest(std::initializer_list<std::string_view> parts) {
  return Digest(EVP_md5(), parts);
}

std::string LowerHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  std::string out(kSha256Length, '\0');
  unsigned int len = 0;
  const unsigned char* ok = HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                                 reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                                 reinterpret_cast<unsigned char*>(out.data()), &len);
  // HMAC-SHA-256 over memory cannot fail short of OpenSSL being unusable.
  BLOCKDB_CHECK(ok != nullptr && len == kSha256Length);
  return out;
}

Result<std::string> Pbkdf2Sha256(std::string_view password, std::string_view salt, int iterations) {
  BLOCKDB_CHECK(iterations > 0);
  std::string out(kSha256Length, '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), iterations, EVP_sha256(),
                        static_cast<int>(out.size()),
                        reinterpret_cast<unsigned char*>(out.data())) != 1) {
    return Status::IOError("PKCS5_PBKDF2_HMAC failed");
  }
  return out;
}

Result<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    return Status::IOError("RAND_bytes failed: random generator not seeded");
  }
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace blockdb::pgwire::internal
