// Iterator: the engine's ordered cursor over (key, value) pairs, as in LevelDB.
//
// Keys are compared bytewise (memcmp order, shorter prefix first). An iterator is used by one
// thread at a time. key() and value() stay valid until the iterator moves. Errors met while
// iterating (a corrupt block, an I/O error) end the iteration: Valid() turns false and status()
// reports the error, so a caller must check status() after a loop.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace blockdb {

class Iterator {
 public:
  virtual ~Iterator() = default;

  virtual bool Valid() const = 0;
  virtual void SeekToFirst() = 0;
  // Positions at the first key >= target.
  virtual void Seek(std::string_view target) = 0;
  virtual void Next() = 0;
  // REQUIRES: Valid().
  virtual std::string_view key() const = 0;
  // REQUIRES: Valid().
  virtual std::string_view value() const = 0;
  virtual Status status() const = 0;
};

}  // namespace blockdb
