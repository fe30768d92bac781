#include "sql/catalog/catalog_codec.h"

#include "common/coding.h"
#include "common/key_coding.h"

namespace blockdb::sql {
namespace {

// Flag bits of a column.
constexpr uint8_t kColumnNotNull = 1;
constexpr uint8_t kColumnIdentity = 2;
constexpr uint8_t kColumnHasDefault = 4;
constexpr uint8_t kColumnIdentityAlways = 8;  // GENERATED ALWAYS (with kColumnIdentity)
constexpr uint8_t kColumnFlagsMask = 15;
// Flag bits of a role.
constexpr uint8_t kRoleLogin = 1;
constexpr uint8_t kRoleSuperuser = 2;
// NUMERIC scale is stored offset by this so that it is a non-negative varint.
constexpr int kScaleOffset = 1000;

std::string CatalogPrefix(uint64_t catalog_table) {
  std::string key;
  PutVarint64(&key, catalog_table);
  return key;
}

Status Malformed(std::string_view what) {
  return Status::Corruption("malformed catalog " + std::string(what));
}

void PutType(std::string* dst, const Type& type) {
  dst->push_back(static_cast<char>(type.id()));
  int modifier = type.id() == TypeId::kVarchar     ? type.varchar_length()
                 : type.timestamp_precision() >= 0 ? type.timestamp_precision()
                                                   : type.numeric_precision();
  PutVarint32(dst, static_cast<uint32_t>(modifier + 1));
  if (type.id() == TypeId::kNumeric && modifier >= 0) {
    PutVarint32(dst, static_cast<uint32_t>(type.numeric_scale() + kScaleOffset));
  }
}

bool GetByte(std::string_view* in, uint8_t* v) {
  if (in->empty()) {
    return false;
  }
  *v = static_cast<uint8_t>(in->front());
  in->remove_prefix(1);
  return true;
}

bool GetString(std::string_view* in, std::string* v) {
  std::string_view s;
  if (!GetLengthPrefixed(in, &s)) {
    return false;
  }
  v->assign(s);
  return true;
}

bool GetType(std::string_view* in, Type* type) {
  uint8_t id = 0;
  uint32_t modifier_plus_one = 0;
  if (!GetByte(in, &id) || !GetVarint32(in, &modifier_plus_one) || id >= kNumTypeIds ||
      id <= static_cast<uint8_t>(TypeId::kUnknown)) {
    return false;
  }
  int64_t modifier = static_cast<int64_t>(modifier_plus_one) - 1;
  auto type_id = static_cast<TypeId>(id);
  if (modifier < 0) {
    *type = Type::Of(type_id);
    return true;
  }
  if ((type_id == TypeId::kTimestamp || type_id == TypeId::kTimestamptz) && modifier <= 6) {
    *type = Type::Timestamp(type_id, static_cast<int>(modifier));
    return true;
  }
  if (type_id == TypeId::kVarchar && modifier >= 1 && modifier <= kMaxVarcharLength) {
    *type = Type::Varchar(static_cast<int>(modifier));
    return true;
  }
  uint32_t scale = 0;
  if (type_id == TypeId::kNumeric && modifier >= 1 && modifier <= 1000 && GetVarint32(in, &scale) &&
      scale <= 2 * kScaleOffset) {
    *type = Type::Numeric(static_cast<int>(modifier), static_cast<int>(scale) - kScaleOffset);
    return true;
  }
  return false;
}

void PutColumn(std::string* dst, const ColumnSchema& c) {
  PutLengthPrefixed(dst, c.name);
  PutType(dst, c.type);
  uint8_t flags = (c.not_null ? kColumnNotNull : 0) | (c.identity ? kColumnIdentity : 0) |
                  (c.default_expr ? kColumnHasDefault : 0) |
                  (c.identity && c.identity_always ? kColumnIdentityAlways : 0);
  dst->push_back(static_cast<char>(flags));
  if (c.default_expr) {
    PutLengthPrefixed(dst, *c.default_expr);
  }
}

bool GetColumn(std::string_view* in, ColumnSchema* c) {
  uint8_t flags = 0;
  if (!GetString(in, &c->name) || !GetType(in, &c->type) || !GetByte(in, &flags) ||
      (flags & ~kColumnFlagsMask) != 0) {
    return false;
  }
  c->not_null = (flags & kColumnNotNull) != 0;
  c->identity = (flags & kColumnIdentity) != 0;
  c->identity_always = c->identity && (flags & kColumnIdentityAlways) != 0;
  if ((flags & kColumnHasDefault) != 0) {
    std::string text;
    if (!GetString(in, &text)) {
      return false;
    }
    c->default_expr = std::move(text);
  }
  return true;
}

void PutKeyParts(std::string* dst, const std::vector<KeyPart>& parts) {
  PutVarint32(dst, static_cast<uint32_t>(parts.size()));
  for (const KeyPart& p : parts) {
    PutVarint32(dst, p.column);
    dst->push_back(p.descending ? 1 : 0);
  }
}

// Column positions must be below column_limit.
bool GetKeyParts(std::string_view* in, uint32_t column_limit, std::vector<KeyPart>* parts) {
  uint32_t n = 0;
  if (!GetVarint32(in, &n) || n > in->size()) {
    return false;
  }
  for (uint32_t i = 0; i < n; ++i) {
    KeyPart p;
    uint8_t desc = 0;
    if (!GetVarint32(in, &p.column) || !GetByte(in, &desc) || desc > 1 ||
        p.column >= column_limit) {
      return false;
    }
    p.descending = desc == 1;
    parts->push_back(p);
  }
  return true;
}

// Checks the version byte and strips it.
bool GetVersion(std::string_view* in) {
  uint8_t version = 0;
  return GetByte(in, &version) && version == kCatalogFormatVersion;
}

}  // namespace

std::string TableCatalogKey(std::string_view schema, std::string_view name) {
  std::string key = CatalogPrefix(kCatalogTablesId);
  AppendKeyString(&key, schema);
  AppendKeyString(&key, name);
  return key;
}

std::string RelationIdKey(uint64_t id) {
  std::string key = CatalogPrefix(kCatalogRelationIds);
  AppendKeyInt64(&key, static_cast<int64_t>(id));
  return key;
}

std::string IndexCatalogKey(std::string_view schema, std::string_view name) {
  std::string key = CatalogPrefix(kCatalogIndexesId);
  AppendKeyString(&key, schema);
  AppendKeyString(&key, name);
  return key;
}

std::string RoleCatalogKey(std::string_view name) {
  std::string key = CatalogPrefix(kCatalogRolesId);
  AppendKeyString(&key, name);
  return key;
}

std::string IdentityRangePrefix(uint64_t table_id, uint32_t column) {
  std::string key = CatalogPrefix(kIdentityRangesId);
  AppendKeyInt64(&key, static_cast<int64_t>(table_id));
  AppendKeyInt64(&key, column);
  return key;
}

std::string IdentityRangeKey(uint64_t table_id, uint32_t column, uint64_t number) {
  std::string key = IdentityRangePrefix(table_id, column);
  // Negated, so that the latest reservation has the smallest key.
  AppendKeyInt64(&key, -static_cast<int64_t>(number));
  return key;
}

std::string CatalogRangeBegin() { return CatalogPrefix(kCatalogTablesId); }
std::string CatalogRangeEnd() { return CatalogPrefix(kCatalogRolesId + 1); }

std::string EncodeTableDef(const TableDef& def) {
  const bool numeric_keys = def.numeric_keys_in_value && def.HasScaleFreeNumericKey();
  std::string out(
      1, static_cast<char>(numeric_keys ? kTableFormatVersionNumericKeys : kCatalogFormatVersion));
  PutVarint64(&out, def.id);
  PutLengthPrefixed(&out, def.schema);
  PutLengthPrefixed(&out, def.name);
  PutVarint32(&out, def.schema_version);
  PutVarint32(&out, static_cast<uint32_t>(def.columns.size()));
  for (const ColumnSchema& c : def.columns) {
    PutColumn(&out, c);
  }
  PutKeyParts(&out, def.primary_key);
  return out;
}

Result<TableDef> DecodeTableDef(std::string_view in) {
  TableDef def;
  uint32_t ncols = 0;
  uint8_t version = 0;
  if (!GetByte(&in, &version) ||
      (version != kCatalogFormatVersion && version != kTableFormatVersionNumericKeys) ||
      !GetVarint64(&in, &def.id) || !GetString(&in, &def.schema) || !GetString(&in, &def.name) ||
      !GetVarint32(&in, &def.schema_version) || !GetVarint32(&in, &ncols) || ncols > in.size()) {
    return Malformed("table row");
  }
  def.columns.resize(ncols);
  for (ColumnSchema& c : def.columns) {
    if (!GetColumn(&in, &c)) {
      return Malformed("column of table " + def.name);
    }
  }
  if (!GetKeyParts(&in, ncols, &def.primary_key) || !in.empty()) {
    return Malformed("table row " + def.name);
  }
  // Canonical: version 2 only for a table that has such a key column.
  if (version == kTableFormatVersionNumericKeys && !def.HasScaleFreeNumericKey()) {
    return Malformed("table row " + def.name + " (version 2 without a NUMERIC key column)");
  }
  def.numeric_keys_in_value =
      version == kTableFormatVersionNumericKeys || !def.HasScaleFreeNumericKey();
  return def;
}

std::string EncodeRelationId(RelationKind kind, std::string_view name) {
  std::string out(1, static_cast<char>(kCatalogFormatVersion));
  out.push_back(static_cast<char>(kind));
  PutLengthPrefixed(&out, name);
  return out;
}

std::string EncodeIndexDef(const IndexDef& def) {
  std::string out(1, static_cast<char>(kCatalogFormatVersion));
  PutVarint64(&out, def.id);
  PutVarint64(&out, def.table_id);
  PutLengthPrefixed(&out, def.schema);
  PutLengthPrefixed(&out, def.name);
  out.push_back(def.unique ? 1 : 0);
  PutKeyParts(&out, def.columns);
  return out;
}

Result<IndexDef> DecodeIndexDef(std::string_view in) {
  IndexDef def;
  uint8_t unique = 0;
  // Column positions are checked against the table by the Catalog, which knows it.
  if (!GetVersion(&in) || !GetVarint64(&in, &def.id) || !GetVarint64(&in, &def.table_id) ||
      !GetString(&in, &def.schema) || !GetString(&in, &def.name) || !GetByte(&in, &unique) ||
      unique > 1 || !GetKeyParts(&in, UINT32_MAX, &def.columns) || !in.empty()) {
    return Malformed("index row");
  }
  def.unique = unique == 1;
  return def;
}

std::string EncodeRoleDef(const RoleDef& def) {
  std::string out(1, static_cast<char>(kCatalogFormatVersion));
  PutLengthPrefixed(&out, def.name);
  out.push_back(
      static_cast<char>((def.login ? kRoleLogin : 0) | (def.superuser ? kRoleSuperuser : 0)));
  PutLengthPrefixed(&out, def.scram_verifier);
  return out;
}

Result<RoleDef> DecodeRoleDef(std::string_view in) {
  RoleDef def;
  uint8_t flags = 0;
  if (!GetVersion(&in) || !GetString(&in, &def.name) || !GetByte(&in, &flags) ||
      (flags & ~(kRoleLogin | kRoleSuperuser)) != 0 || !GetString(&in, &def.scram_verifier) ||
      !in.empty()) {
    return Malformed("role row");
  }
  def.login = (flags & kRoleLogin) != 0;
  def.superuser = (flags & kRoleSuperuser) != 0;
  return def;
}

Result<uint64_t> CatalogKeyTable(std::string_view key) {
  uint64_t id = 0;
  if (!GetVarint64(&key, &id)) {
    return Malformed("key");
  }
  return id;
}

std::string EncodeIdentityRange(uint64_t first, uint64_t end) {
  std::string out(1, static_cast<char>(kCatalogFormatVersion));
  PutVarint64(&out, first);
  PutVarint64(&out, end);
  return out;
}

Result<IdentityRange> DecodeIdentityRange(std::string_view prefix, std::string_view key,
                                          std::string_view value) {
  if (!key.starts_with(prefix)) {
    return Malformed("identity range key");
  }
  key.remove_prefix(prefix.size());
  KeyDecoder decoder(key);
  KeyValue v;
  if (!decoder.Next(KeyColumn{KeyType::kInt64, {}}, &v) || !decoder.done() ||
      !std::holds_alternative<int64_t>(v) || std::get<int64_t>(v) >= 0 ||
      std::get<int64_t>(v) == INT64_MIN) {
    return Malformed("identity range key");
  }
  IdentityRange range;
  range.number = static_cast<uint64_t>(-std::get<int64_t>(v));
  if (!GetVersion(&value) || !GetVarint64(&value, &range.first) ||
      !GetVarint64(&value, &range.end) || !value.empty() || range.first >= range.end) {
    return Malformed("identity range value");
  }
  return range;
}

Result<uint64_t> DecodeRelationIdKey(std::string_view key) {
  uint64_t table = 0;
  if (!GetVarint64(&key, &table) || table != kCatalogRelationIds) {
    return Malformed("relation id key");
  }
  KeyDecoder decoder(key);
  KeyValue v;
  // A NULL marker decodes as monostate: not an id either.
  if (!decoder.Next(KeyColumn{KeyType::kInt64, {}}, &v) || !decoder.done() ||
      !std::holds_alternative<int64_t>(v) || std::get<int64_t>(v) < 0) {
    return Malformed("relation id key");
  }
  return static_cast<uint64_t>(std::get<int64_t>(v));
}

bool TableDef::HasScaleFreeNumericKey() const {
  for (const KeyPart& p : primary_key) {
    if (p.column >= columns.size()) continue;  // a malformed definition: its decoder rejects it
    const Type& t = columns[p.column].type;
    if (t.id() == TypeId::kNumeric && !t.has_modifier()) {
      return true;
    }
  }
  return false;
}

bool TableDef::StoredInRowValue(uint32_t column) const {
  for (const KeyPart& p : primary_key) {
    if (p.column == column) {
      const Type& t = columns[column].type;
      return numeric_keys_in_value && t.id() == TypeId::kNumeric && !t.has_modifier();
    }
  }
  return true;
}

std::optional<uint32_t> TableDef::FindColumn(std::string_view column_name) const {
  for (uint32_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == column_name) {
      return i;
    }
  }
  return std::nullopt;
}

}  // namespace blockdb::sql
