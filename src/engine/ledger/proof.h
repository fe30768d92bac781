// What the ledger hands to clients: digests and self-contained proofs, and their verification.
// The JSON form of proofs is in proof_json.h; both are described in docs/format/ledger.md.
#pragma once

#include <cstdint>
#include <vector>

#include "common/sha256.h"
#include "common/status.h"

namespace blockdb::ledger {

// The ledger's state in a few bytes. A client that keeps a digest somewhere the server cannot
// change can later demand proofs against it (docs/VERIFICATION.md).
struct Digest {
  uint64_t tree_size = 0;
  Hash256 root{};
  uint64_t last_block_index = 0;
  Hash256 last_block_hash{};

  bool operator==(const Digest&) const = default;
};

// Proves that leaf_hash is leaf leaf_index of the tree (tree_size, root_hash).
struct InclusionProof {
  uint64_t leaf_index = 0;
  uint64_t tree_size = 0;
  Hash256 leaf_hash{};
  Hash256 root_hash{};
  std::vector<Hash256> path;  // RFC 9162 order: deepest sibling first

  bool operator==(const InclusionProof&) const = default;
};

// Proves that the tree (old_size, old_root) is a prefix of (new_size, new_root).
struct ConsistencyProof {
  uint64_t old_size = 0;
  uint64_t new_size = 0;
  Hash256 old_root{};
  Hash256 new_root{};
  std::vector<Hash256> path;

  bool operator==(const ConsistencyProof&) const = default;
};

// merkle.h VerifyInclusion / VerifyConsistency on the proof's own fields. OK when the proof holds;
// InvalidArgument for an impossible question (leaf_index >= tree_size, old_size > new_size);
// Corruption explaining why otherwise. A proof only means something once the caller has checked
// that root_hash (new_root) is a root it trusts.
Status VerifyProof(const InclusionProof& proof);
Status VerifyProof(const ConsistencyProof& proof);

}  // namespace blockdb::ledger
