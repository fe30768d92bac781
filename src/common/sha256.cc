#include "common/sha256.h"

// SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP, but remain part of its
// API and use the same assembly (SHA extensions where the CPU has them). For the small messages
// the ledger hashes (entries of ~150 bytes, 65-byte tree nodes) they cost about a third less than
// an EVP context, whose per-message set-up is the difference.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "common/check.h"

namespace blockdb {

namespace {

// OpenSSL 3 looks an algorithm up in its provider tables on every implicit fetch (EVP_sha256()
// passed to EVP_DigestInit_ex); fetching once and reusing the EVP_MD avoids that cost per hash.
// The fetched object lives for the whole process, like the library's own tables.
const EVP_MD* FetchedSha256() {
  static EVP_MD* const md = [] {
    EVP_MD* m = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    BLOCKDB_CHECK_MSG(m != nullptr, "OpenSSL provides no SHA256");
    return m;
  }();
  return md;
}

// Every failure of these calls means OpenSSL is broken (out of memory or no default provider),
// not that the input is bad: they abort rather than return a Status.
void InitCtx(EVP_MD_CTX* ctx) {
  BLOCKDB_CHECK(EVP_DigestInit_ex2(ctx, FetchedSha256(), nullptr) == 1);
}

void UpdateCtx(EVP_MD_CTX* ctx, std::string_view data) {
  BLOCKDB_CHECK(EVP_DigestUpdate(ctx, data.data(), data.size()) == 1);
}

Hash256 FinishCtx(EVP_MD_CTX* ctx) {
  Hash256 out;
  unsigned int len = 0;
  BLOCKDB_CHECK(EVP_DigestFinal_ex(ctx, out.data(), &len) == 1);
  BLOCKDB_CHECK(len == out.size());
  return out;
}

struct CtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using CtxPtr = std::unique_ptr<EVP_MD_CTX, CtxDeleter>;

CtxPtr NewCtx() {
  CtxPtr ctx(EVP_MD_CTX_new());
  BLOCKDB_CHECK(ctx != nullptr);
  return ctx;
}

}  // namespace

struct Sha256Hasher::Impl {
  CtxPtr ctx = NewCtx();
};

Hash256 Sha256(std::string_view data) { return Sha256({data}); }

Hash256 Sha256(std::initializer_list<std::string_view> parts) {
  // A plain SHA256_CTX on the stack: no allocation and no EVP set-up per message (see above).
  // These calls cannot fail on valid pointers.
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  for (std::string_view part : parts) {
    SHA256_Update(&ctx, part.data(), part.size());
  }
  Hash256 out;
  SHA256_Final(out.data(), &ctx);
  return out;
}

Sha256Hasher::Sha256Hasher() : impl_(std::make_unique<Impl>()) { InitCtx(impl_->ctx.get()); }

Sha256Hasher::~Sha256Hasher() = default;

void Sha256Hasher::Update(std::string_view data) { UpdateCtx(impl_->ctx.get(), data); }

Hash256 Sha256Hasher::Finish() {
  Hash256 out = FinishCtx(impl_->ctx.get());
  InitCtx(impl_->ctx.get());
  return out;
}

}  // namespace blockdb
