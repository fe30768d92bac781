// The DB's user-facing iterator: a merged stream of (key, engine value) filtered to a snapshot.
#pragma once

#include <cstdint>
#include <memory>

#include "engine/iterator.h"

namespace blockdb {

// Wraps `merged` (keys -> engine values from memtables and SSTables), skipping keys applied at an
// index > snapshot and exposing the user value. `owner` keeps what `merged` reads alive.
// A malformed engine value ends the iteration with Corruption.
std::unique_ptr<Iterator> NewSnapshotIterator(std::shared_ptr<const void> owner,
                                              std::unique_ptr<Iterator> merged, uint64_t snapshot);

}  // namespace blockdb
