#include "engine/ledger/proof.h"

#include "engine/ledger/merkle.h"

namespace blockdb::ledger {

Status VerifyProof(const InclusionProof& proof) {
  return VerifyInclusion(proof.leaf_hash, proof.leaf_index, proof.tree_size, proof.root_hash,
                         proof.path);
}

Status VerifyProof(const ConsistencyProof& proof) {
  return VerifyConsistency(proof.old_size, proof.old_root, proof.new_size, proof.new_root,
                           proof.path);
}

}  // namespace blockdb::ledger
