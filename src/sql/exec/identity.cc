#include "sql/exec/identity.h"

#include "sql/storage/table_reader.h"
#include "sql/types/errors.h"

namespace blockdb::sql {

Result<int64_t> IdentityAllocator::Next(DB& db, const TableDef& table, uint32_t column) {
  std::lock_guard lock(mu_);
  auto key = std::make_pair(table.id, column);
  auto it = next_.find(key);
  if (it == next_.end()) {
    int64_t max = 0;
    // A shared_ptr that does not own `table`: the reader only borrows it for this scan.
    std::shared_ptr<const TableDef> borrowed(&table, [](const TableDef*) {});
    TableReader reader(&db, borrowed, kLatestSnapshot);
    RETURN_IF_ERROR(reader.ScanPrefix({}, [&](std::vector<Value> row) {
      const Value& v = row[column];
      if (!v.is_null() && v.int_value() > max) max = v.int_value();
      return true;
    }));
    it = next_.emplace(key, max + 1).first;
  }
  int64_t value = it->second;
  TypeId t = table.columns[column].type.id();
  int64_t limit = t == TypeId::kInt2 ? INT16_MAX : t == TypeId::kInt4 ? INT32_MAX : INT64_MAX;
  if (value > limit || value == INT64_MAX) {
    return NumericOutOfRange("identity column \"" + table.columns[column].name +
                             "\" reached its maximum value");
  }
  ++it->second;
  return value;
}

}  // namespace blockdb::sql
