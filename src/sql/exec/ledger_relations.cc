// BlockDB's ledger as relations: the blockdb_blocks table and the functions blockdb_digest(),
// blockdb_inclusion_proof(table, key...) and blockdb_consistency_proof(old [, new]). Hashes are
// lowercase hex and proof paths comma-separated hex, exactly what `blockdb-cli verify-proof`
// takes (docs/VERIFICATION.md).
#include "common/coding.h"
#include "engine/ledger_db.h"
#include "sql/catalog/catalog.h"
#include "sql/exec/planner.h"
#include "sql/storage/table_codec.h"
#include "sql/types/cast.h"
#include "sql/types/errors.h"

namespace blockdb::sql::exec {
namespace {

constexpr int64_t kUnixToPostgresEpochMicros = 946684800LL * 1000000;

std::string Hex(const Hash256& h) {
  return ToHex(std::string_view(reinterpret_cast<const char*>(h.data()), h.size()));
}

std::string PathHex(const std::vector<Hash256>& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    out += Hex(path[i]);
  }
  return out;
}

ScopeColumn Col(const char* name, TypeId type) { return ScopeColumn{"", name, Type::Of(type)}; }

Value Int8(uint64_t v) { return Value::Int8(static_cast<int64_t>(v)); }

// Evaluates the (row-independent) arguments of a ledger function call.
Result<std::vector<Value>> EvalArgs(const FunctionExpr& call, PlanContext& ctx) {
  std::vector<Value> out;
  Scope empty;
  for (const ExprPtr& a : call.args) {
    ASSIGN_OR_RETURN(BoundExprPtr b, ctx.binder->Bind(*a, empty, "FROM"));
    if (!ctx.has_params) {
      out.push_back(Value::Null());
      continue;
    }
    ASSIGN_OR_RETURN(Value v, Eval(*b, {}, *ctx.eval));
    out.push_back(std::move(v));
  }
  return out;
}

Result<int64_t> IntArg(const Value& v, const char* what) {
  Result<Value> i = CastValue(v, Type::Of(TypeId::kInt8), CastContext::kExplicit);
  if (!i.ok() || i->is_null() || i->int_value() < 0) {
    return InvalidParameterValue(std::string(what) + " must be a non-negative integer");
  }
  return i->int_value();
}

Result<VirtualRelation> Digest(PlanContext& ctx) {
  VirtualRelation rel;
  rel.columns = {Col("tree_size", TypeId::kInt8), Col("root_hash", TypeId::kText),
                 Col("block_index", TypeId::kInt8), Col("block_hash", TypeId::kText)};
  if (!ctx.has_params) return rel;
  ledger::Digest d = ctx.database->ledger()->GetDigest();
  rel.rows.push_back({Int8(d.tree_size), Value::Text(Hex(d.root)), Int8(d.last_block_index),
                      Value::Text(Hex(d.last_block_hash))});
  return rel;
}

Result<VirtualRelation> InclusionProof(const FunctionExpr& call, PlanContext& ctx) {
  VirtualRelation rel;
  rel.columns = {Col("entry", TypeId::kText),     Col("leaf_index", TypeId::kInt8),
                 Col("tree_size", TypeId::kInt8), Col("leaf_hash", TypeId::kText),
                 Col("root_hash", TypeId::kText), Col("path", TypeId::kText)};
  if (call.args.size() < 2) {
    return Status::InvalidArgument(
               "blockdb_inclusion_proof(table, key [, key...]) needs a table and its key")
        .WithSqlState(kSqlStateUndefinedFunction);
  }
  ASSIGN_OR_RETURN(std::vector<Value> args, EvalArgs(call, ctx));
  if (!ctx.has_params) return rel;
  if (args[0].is_null() ||
      (args[0].type() != TypeId::kUnknown && args[0].type() != TypeId::kText)) {
    return InvalidParameterValue("the first argument of blockdb_inclusion_proof is a table name");
  }
  std::string table_name(args[0].bytes());
  auto table = ctx.database->catalog().FindTable(table_name);
  if (table == nullptr) {
    return Status::InvalidArgument("relation \"" + table_name + "\" does not exist")
        .WithSqlState(kSqlStateUndefinedTable);
  }
  std::vector<KeyPart> parts = RowKeyParts(*table);
  if (args.size() - 1 != parts.size()) {
    return InvalidParameterValue("table \"" + table_name + "\" has a key of " +
                                 std::to_string(parts.size()) + " column(s), " +
                                 std::to_string(args.size() - 1) + " given");
  }
  std::vector<Value> key;
  for (size_t i = 0; i < parts.size(); ++i) {
    ASSIGN_OR_RETURN(Value v, CastValue(args[i + 1], KeyPartType(*table, parts[i]),
                                        CastContext::kAssignment));
    if (v.is_null()) return InvalidParameterValue("a key value may not be NULL");
    key.push_back(std::move(v));
  }
  std::string row_key = RelationKeyPrefix(table->id);
  RETURN_IF_ERROR(AppendKeyValues(*table, parts, key, &row_key));
  LedgerDB* ledger = ctx.database->ledger();
  Result<uint64_t> leaf = ledger->FindLeafByKey(row_key);
  if (!leaf.ok()) {
    if (leaf.status().IsNotFound()) return rel;  // no such row: no proof, no rows
    return leaf.TakeStatus();
  }
  ledger::Digest d = ledger->GetDigest();
  ASSIGN_OR_RETURN(ledger::InclusionProof proof, ledger->ProveInclusion(*leaf, d.tree_size));
  ASSIGN_OR_RETURN(ledger::Entry entry, ledger->ReadEntry(*leaf));
  std::string encoded;
  ledger::EncodeEntry(ledger::EntryView{entry.log_index, entry.txn_id, entry.timestamp_micros,
                                        entry.key, entry.value},
                      &encoded);
  rel.rows.push_back({Value::Text(ToHex(encoded)), Int8(proof.leaf_index), Int8(proof.tree_size),
                      Value::Text(Hex(proof.leaf_hash)), Value::Text(Hex(proof.root_hash)),
                      Value::Text(PathHex(proof.path))});
  return rel;
}

Result<VirtualRelation> ConsistencyProof(const FunctionExpr& call, PlanContext& ctx) {
  VirtualRelation rel;
  rel.columns = {Col("old_size", TypeId::kInt8), Col("new_size", TypeId::kInt8),
                 Col("old_root", TypeId::kText), Col("new_root", TypeId::kText),
                 Col("path", TypeId::kText)};
  if (call.args.empty() || call.args.size() > 2) {
    return Status::InvalidArgument("blockdb_consistency_proof(old_size [, new_size])")
        .WithSqlState(kSqlStateUndefinedFunction);
  }
  ASSIGN_OR_RETURN(std::vector<Value> args, EvalArgs(call, ctx));
  if (!ctx.has_params) return rel;
  LedgerDB* ledger = ctx.database->ledger();
  ledger::Digest d = ledger->GetDigest();
  ASSIGN_OR_RETURN(int64_t old_size, IntArg(args[0], "old_size"));
  int64_t new_size = static_cast<int64_t>(d.tree_size);
  if (args.size() > 1) {
    ASSIGN_OR_RETURN(new_size, IntArg(args[1], "new_size"));
  }
  if (old_size > new_size || static_cast<uint64_t>(new_size) > d.tree_size) {
    return InvalidParameterValue("need old_size <= new_size <= the tree size " +
                                 std::to_string(d.tree_size));
  }
  ASSIGN_OR_RETURN(ledger::ConsistencyProof proof,
                   ledger->ProveConsistency(static_cast<uint64_t>(old_size),
                                            static_cast<uint64_t>(new_size)));
  rel.rows.push_back({Int8(proof.old_size), Int8(proof.new_size), Value::Text(Hex(proof.old_root)),
                      Value::Text(Hex(proof.new_root)), Value::Text(PathHex(proof.path))});
  return rel;
}

}  // namespace

Result<std::optional<VirtualRelation>> LedgerTable(const std::string& name, PlanContext& ctx) {
  if (name != "blockdb_blocks") return std::optional<VirtualRelation>();
  VirtualRelation rel;
  rel.columns = {Col("index", TypeId::kInt8),      Col("timestamp", TypeId::kTimestamptz),
                 Col("first_leaf", TypeId::kInt8), Col("last_leaf", TypeId::kInt8),
                 Col("data_root", TypeId::kText),  Col("tree_root", TypeId::kText),
                 Col("prev_hash", TypeId::kText),  Col("hash", TypeId::kText)};
  if (!ctx.has_params) return std::optional<VirtualRelation>(std::move(rel));
  ASSIGN_OR_RETURN(std::vector<ledger::BlockHeader> blocks,
                   ctx.database->ledger()->ListBlocks(0, UINT64_MAX));
  for (const ledger::BlockHeader& b : blocks) {
    Value last = b.leaf_count == 0 ? Value::Null(TypeId::kInt8)
                                   : Int8(b.first_leaf + b.leaf_count - 1);
    rel.rows.push_back({Int8(b.index),
                        Value::Timestamptz(b.timestamp_micros - kUnixToPostgresEpochMicros),
                        Int8(b.first_leaf), std::move(last), Value::Text(Hex(b.data_root)),
                        Value::Text(Hex(b.tree_root)), Value::Text(Hex(b.prev_hash)),
                        Value::Text(Hex(ledger::BlockHash(b)))});
  }
  return std::optional<VirtualRelation>(std::move(rel));
}

Result<std::optional<VirtualRelation>> LedgerFunction(const FunctionExpr& call,
                                                      PlanContext& ctx) {
  const std::string& name = call.name.back();
  if (call.name.size() > 1 && call.name[0] != kPublicSchema) {
    return std::optional<VirtualRelation>();
  }
  Result<VirtualRelation> rel = Status::NotFound("");
  if (name == "blockdb_digest" && call.args.empty()) {
    rel = Digest(ctx);
  } else if (name == "blockdb_inclusion_proof") {
    rel = InclusionProof(call, ctx);
  } else if (name == "blockdb_consistency_proof") {
    rel = ConsistencyProof(call, ctx);
  } else {
    return std::optional<VirtualRelation>();
  }
  if (!rel.ok()) return ctx.binder->ErrorAt(rel.TakeStatus(), call.position);
  return std::optional<VirtualRelation>(std::move(rel).value());
}

Result<uint64_t> SnapshotOfBlock(PlanContext& ctx, int64_t block) {
  if (block < 0) return InvalidParameterValue("block " + std::to_string(block) + " does not exist");
  ASSIGN_OR_RETURN(std::vector<ledger::BlockHeader> blocks,
                   ctx.database->ledger()->ListBlocks(static_cast<uint64_t>(block), 1));
  if (blocks.empty()) {
    return InvalidParameterValue("block " + std::to_string(block) + " does not exist");
  }
  return blocks[0].log_index;
}

}  // namespace blockdb::sql::exec
