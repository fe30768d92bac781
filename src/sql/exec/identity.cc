#include "sql/exec/identity.h"

#include <algorithm>
#include <optional>
#include <string>

#include "engine/write_batch.h"
#include "sql/catalog/catalog_codec.h"
#include "sql/storage/table_reader.h"
#include "sql/types/errors.h"

namespace blockdb::sql {

namespace {

constexpr uint64_t kFirstRangeSize = 32;
constexpr uint64_t kMaxRangeSize = 65536;
// Reservations lost to other writers before Next gives up; each loss means another writer
// reserved a range, so all of them together make progress.
constexpr int kMaxReserveAttempts = 64;

// The largest value column `column`'s type holds.
uint64_t TypeLimit(const ColumnSchema& column) {
  switch (column.type.id()) {
    case TypeId::kInt2:
      return INT16_MAX;
    case TypeId::kInt4:
      return INT32_MAX;
    default:
      return INT64_MAX;
  }
}

// The latest reservation under `prefix`, if any.
Result<std::optional<IdentityRange>> LatestRange(DB& db, const std::string& prefix) {
  std::unique_ptr<Iterator> it = db.NewIterator();
  it->Seek(prefix);
  if (!it->Valid()) {
    RETURN_IF_ERROR(it->status());
    return std::optional<IdentityRange>();
  }
  if (!it->key().starts_with(prefix)) return std::optional<IdentityRange>();
  ASSIGN_OR_RETURN(IdentityRange range, DecodeIdentityRange(prefix, it->key(), it->value()));
  return std::optional<IdentityRange>(range);
}

// The largest value of the column in the table's rows, 0 when none is positive.
Result<uint64_t> LargestValue(DB& db, const TableDef& table, uint32_t column) {
  int64_t max = 0;
  // A shared_ptr that does not own `table`: the reader only borrows it for this scan.
  std::shared_ptr<const TableDef> borrowed(&table, [](const TableDef*) {});
  TableReader reader(&db, borrowed, kLatestSnapshot);
  RETURN_IF_ERROR(reader.ScanPrefix({}, [&](std::vector<Value> row) {
    const Value& v = row[column];
    if (!v.is_null() && v.int_value() > max) max = v.int_value();
    return true;
  }));
  return static_cast<uint64_t>(max);
}

}  // namespace

Result<int64_t> IdentityAllocator::Next(DB& db, const TableDef& table, uint32_t column) {
  std::lock_guard lock(mu_);
  Column& c = columns_[{table.id, column}];
  if (c.next == c.end) {
    RETURN_IF_ERROR(Reserve(db, table, column, &c));
  }
  return static_cast<int64_t>(c.next++);
}

Status IdentityAllocator::Reserve(DB& db, const TableDef& table, uint32_t column, Column* c) {
  const ColumnSchema& col = table.columns[column];
  const uint64_t limit = TypeLimit(col);
  const uint64_t size = c->size == 0 ? kFirstRangeSize : std::min(c->size * 2, kMaxRangeSize);
  const std::string prefix = IdentityRangePrefix(table.id, column);
  for (int attempt = 0; attempt < kMaxReserveAttempts; ++attempt) {
    ASSIGN_OR_RETURN(std::optional<IdentityRange> latest, LatestRange(db, prefix));
    uint64_t number = 1;
    uint64_t first = 0;
    if (latest.has_value()) {
      number = latest->number + 1;
      first = latest->end;
    } else {
      ASSIGN_OR_RETURN(uint64_t largest, LargestValue(db, table, column));
      first = largest + 1;
    }
    if (first > limit) {
      return NumericOutOfRange("identity column \"" + col.name + "\" reached its maximum value");
    }
    // limit - first + 1 cannot overflow: limit is at most INT64_MAX.
    const uint64_t end = first + std::min(size, limit - first + 1);
    WriteBatch batch;
    batch.Insert(IdentityRangeKey(table.id, column, number), EncodeIdentityRange(first, end));
    Result<uint64_t> written = db.Write(batch);
    if (written.ok()) {
      *c = Column{first, end, size};
      return Status::OK();
    }
    if (!written.status().IsDuplicateKey()) {
      return written.TakeStatus();
    }
    // Another writer logged reservation `number` first: read it and try the one after.
  }
  return Status::Busy("could not reserve values for identity column \"" + col.name +
                      "\": other writers reserved them first")
      .WithSqlState("40001");
}

}  // namespace blockdb::sql
