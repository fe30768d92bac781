// The JSON form of inclusion and consistency proofs, as served to clients and read by
// `blockdb-cli verify-proof --json` (docs/format/ledger.md, "Proof JSON"):
//
//   {"type":"inclusion","leaf_index":5,"tree_size":8,"leaf_hash":"<64 hex>",
//    "root_hash":"<64 hex>","path":["<64 hex>",...]}
//   {"type":"consistency","old_size":6,"new_size":8,"old_root":"<64 hex>",
//    "new_root":"<64 hex>","path":["<64 hex>",...]}
//
// A digest, as a client saves it:
//
//   {"type":"digest","tree_size":85,"root_hash":"<64 hex>","last_block_index":10,
//    "last_block_hash":"<64 hex>"}
//
// An inclusion proof may carry "leaf_data" (hex of the entry bytes) instead of "leaf_hash"; the
// reader then hashes it as a leaf. The reader is strict: exactly these members, each once, sizes
// as plain non-negative decimal integers below 2^64, hashes as 64 hex digits, no string escapes.
//
// Boost 1.74 (the Debian 12 version) predates Boost.JSON and no other JSON library is a project
// dependency, so the reader is a small recursive-descent parser for this one shape.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "common/status.h"
#include "engine/ledger/proof.h"

namespace blockdb::ledger {

using AnyProof = std::variant<InclusionProof, ConsistencyProof>;

// One line of JSON, members in the order shown above, lowercase hex, no trailing newline.
std::string ProofToJson(const InclusionProof& proof);
std::string ProofToJson(const ConsistencyProof& proof);

std::string DigestToJson(const Digest& digest);

// Parses one proof. InvalidArgument naming the byte offset and the problem on any deviation from
// the shape above. Does not verify the proof.
Result<AnyProof> ParseProofJson(std::string_view json);
// Parses one digest, as strictly.
Result<Digest> ParseDigestJson(std::string_view json);

}  // namespace blockdb::ledger
