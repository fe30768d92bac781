#include "common/sha256.h"

#include <openssl/evp.h>

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
  // One context per thread: the one-shot functions are called from many threads at once, and
  // allocating a context per call would cost more than small hashes themselves.
  thread_local CtxPtr ctx = NewCtx();
  InitCtx(ctx.get());
  for (std::string_view part : parts) {
    UpdateCtx(ctx.get(), part);
  }
  return FinishCtx(ctx.get());
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
