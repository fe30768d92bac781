// SHA-256 through OpenSSL's EVP interface (the ledger's only hash).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace blockdb {

using Hash256 = std::array<uint8_t, 32>;

// One-shot digest.
Hash256 Sha256(std::string_view data);
// Digest of the concatenation of the parts (no copy).
Hash256 Sha256(std::initializer_list<std::string_view> parts);

inline std::string_view AsBytes(const Hash256& h) {
  return std::string_view(reinterpret_cast<const char*>(h.data()), h.size());
}

// Incremental hashing. Not thread-safe; reusable after Finish().
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(std::string_view data);
  // Returns the digest and resets the hasher for a new message.
  Hash256 Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace blockdb
