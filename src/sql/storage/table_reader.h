// TableReader: reads the rows of one table at a fixed snapshot: point lookup by full primary
// key, scans over a primary-key range, full scans, and secondary index scans (index entries give
// primary keys, which give rows). Rows come back decoded, values in column order.
//
// Ranges are in key order: for a DESC key column, the lower bound is the larger value. A bound
// holds values for a prefix of the key columns; an empty bound is unbounded. With values v, an
// inclusive lower bound starts at the first key beginning with v, an exclusive one after the
// last key beginning with v; an inclusive upper bound ends after the last key beginning with v,
// an exclusive one before the first.
//
// Thread safety: one thread at a time; several readers may share a DB.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engine/db.h"
#include "sql/catalog/catalog_defs.h"
#include "sql/types/value.h"

namespace blockdb::sql {

struct KeyBound {
  std::vector<Value> values;  // empty: unbounded
  bool inclusive = true;
};

class TableReader {
 public:
  // Called with each row in key order; return false to stop the scan.
  using RowVisitor = std::function<bool(std::vector<Value> row)>;

  // `db` is not owned and must outlive the reader. snapshot: an applied index
  // (kLatestSnapshot reads the latest).
  TableReader(DB* db, std::shared_ptr<const TableDef> table, uint64_t snapshot);

  // The row whose primary key is `key` (all key columns; the hidden row id as a BIGINT for a
  // table without primary key), or nullopt.
  Result<std::optional<std::vector<Value>>> Get(std::span<const Value> key);

  // Rows whose primary key lies within [lower, upper] (see the header comment).
  Status Scan(const KeyBound& lower, const KeyBound& upper, const RowVisitor& visit);
  // Rows whose primary key starts with `prefix` (a full scan when empty).
  Status ScanPrefix(std::span<const Value> prefix, const RowVisitor& visit);

  // Primary-key bytes (table_codec.h) of the entries of `index` within [lower, upper] over the
  // index columns, in index order.
  Status ScanIndexKeys(const IndexDef& index, const KeyBound& lower, const KeyBound& upper,
                       const std::function<bool(std::string_view pk_bytes)>& visit);
  // The rows those entries point at, in index order. Corruption when a row is missing.
  Status ScanIndex(const IndexDef& index, const KeyBound& lower, const KeyBound& upper,
                   const RowVisitor& visit);

  // The engine key range [begin, end) holding the rows (or the entries of `index`) within
  // [lower, upper], for callers that iterate themselves (the executor's pull-based scans).
  Result<std::pair<std::string, std::string>> PrimaryKeyRange(const KeyBound& lower,
                                                              const KeyBound& upper) const;
  Result<std::pair<std::string, std::string>> IndexKeyRange(const IndexDef& index,
                                                             const KeyBound& lower,
                                                             const KeyBound& upper) const;

 private:
  // Iterates the keys in [begin, end) and calls visit(key, value) until it returns false.
  Status ScanRange(const std::string& begin, const std::string& end,
                   const std::function<Result<bool>(std::string_view, std::string_view)>& visit);
  // Engine key range of the bounds over `parts` of the relation with id relation_id.
  Result<std::pair<std::string, std::string>> RangeOf(uint64_t relation_id,
                                                      std::span<const KeyPart> parts,
                                                      const KeyBound& lower,
                                                      const KeyBound& upper) const;

  DB* const db_;
  const std::shared_ptr<const TableDef> table_;
  const uint64_t snapshot_;
};

}  // namespace blockdb::sql
