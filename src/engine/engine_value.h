// The engine value layout: what the memtable and every SSTable store as the value of a key.
//
//   engine_value := varint64 applied_index || user_value bytes
//
// applied_index is the log index of the batch that inserted the key, so a read at snapshot S
// ignores keys whose applied_index > S. Keys are never overwritten or deleted, so each key has
// exactly one engine value and the engine needs neither sequence numbers in keys nor tombstones.
// See docs/STORAGE.md ("Snapshots").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/coding.h"

namespace blockdb {

inline void AppendEngineValue(std::string* dst, uint64_t applied_index,
                              std::string_view user_value) {
  PutVarint64(dst, applied_index);
  dst->append(user_value);
}

// Splits an engine value. Returns false when the leading varint is malformed (corrupt input).
inline bool DecodeEngineValue(std::string_view engine_value, uint64_t* applied_index,
                              std::string_view* user_value) {
  if (!GetVarint64(&engine_value, applied_index)) {
    return false;
  }
  *user_value = engine_value;
  return true;
}

}  // namespace blockdb
