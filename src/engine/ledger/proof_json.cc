#include "engine/ledger/proof_json.h"

#include <charconv>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "common/coding.h"
#include "engine/ledger/merkle.h"

namespace blockdb::ledger {
namespace {

// A member value of the accepted shape.
struct JsonValue {
  enum class Kind { kNumber, kString, kStringArray } kind = Kind::kNumber;
  uint64_t number = 0;
  std::string text;
  std::vector<std::string> items;
  size_t offset = 0;  // where the value starts, for messages
};

class FlatObjectParser {
 public:
  explicit FlatObjectParser(std::string_view in) : in_(in) {}

  Status Parse(std::map<std::string, JsonValue>* members) {
    SkipSpace();
    RETURN_IF_ERROR(Expect('{'));
    SkipSpace();
    if (Peek() == '}') {
      ++pos_;
    } else {
      for (;;) {
        RETURN_IF_ERROR(ParseMember(members));
        SkipSpace();
        if (Peek() == ',') {
          ++pos_;
          SkipSpace();
          continue;
        }
        RETURN_IF_ERROR(Expect('}'));
        break;
      }
    }
    SkipSpace();
    if (pos_ != in_.size()) {
      return Error("unexpected bytes after the object");
    }
    return Status::OK();
  }

 private:
  Status ParseMember(std::map<std::string, JsonValue>* members) {
    const size_t key_offset = pos_;
    std::string key;
    RETURN_IF_ERROR(ParseString(&key));
    SkipSpace();
    RETURN_IF_ERROR(Expect(':'));
    SkipSpace();
    JsonValue value;
    RETURN_IF_ERROR(ParseValue(&value));
    if (!members->emplace(key, std::move(value)).second) {
      pos_ = key_offset;
      return Error("member \"" + key + "\" appears twice");
    }
    return Status::OK();
  }

  Status ParseValue(JsonValue* value) {
    value->offset = pos_;
    const char c = Peek();
    if (c == '"') {
      value->kind = JsonValue::Kind::kString;
      return ParseString(&value->text);
    }
    if (c == '[') {
      value->kind = JsonValue::Kind::kStringArray;
      return ParseStringArray(&value->items);
    }
    if (c >= '0' && c <= '9') {
      value->kind = JsonValue::Kind::kNumber;
      return ParseNumber(&value->number);
    }
    return Error("expected a string, a non-negative integer or an array of strings");
  }

  Status ParseStringArray(std::vector<std::string>* items) {
    RETURN_IF_ERROR(Expect('['));
    SkipSpace();
    if (Peek() == ']') {
      ++pos_;
      return Status::OK();
    }
    for (;;) {
      std::string item;
      RETURN_IF_ERROR(ParseString(&item));
      items->push_back(std::move(item));
      SkipSpace();
      if (Peek() == ',') {
        ++pos_;
        SkipSpace();
        continue;
      }
      return Expect(']');
    }
  }

  Status ParseString(std::string* out) {
    RETURN_IF_ERROR(Expect('"'));
    const size_t start = pos_;
    while (pos_ < in_.size() && in_[pos_] != '"') {
      const unsigned char c = static_cast<unsigned char>(in_[pos_]);
      if (c == '\\') {
        return Error("escape sequences are not used in proofs");
      }
      if (c < 0x20) {
        return Error("control character in a string");
      }
      ++pos_;
    }
    if (pos_ == in_.size()) {
      return Error("unterminated string");
    }
    out->assign(in_.substr(start, pos_ - start));
    ++pos_;
    return Status::OK();
  }

  Status ParseNumber(uint64_t* out) {
    const size_t start = pos_;
    while (pos_ < in_.size() && in_[pos_] >= '0' && in_[pos_] <= '9') {
      ++pos_;
    }
    if (pos_ < in_.size() && (in_[pos_] == '.' || in_[pos_] == 'e' || in_[pos_] == 'E')) {
      return Error("sizes and indexes are integers");
    }
    const std::string_view digits = in_.substr(start, pos_ - start);
    if (digits.size() > 1 && digits[0] == '0') {
      pos_ = start;
      return Error("leading zero in a number");
    }
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), *out);
    if (ec != std::errc() || end != digits.data() + digits.size()) {
      pos_ = start;
      return Error("number does not fit in 64 bits");
    }
    return Status::OK();
  }

  void SkipSpace() {
    while (pos_ < in_.size() &&
           (in_[pos_] == ' ' || in_[pos_] == '\t' || in_[pos_] == '\n' || in_[pos_] == '\r')) {
      ++pos_;
    }
  }

  char Peek() const { return pos_ < in_.size() ? in_[pos_] : '\0'; }

  Status Expect(char c) {
    if (Peek() != c) {
      return Error(std::string("expected '") + c + "'");
    }
    ++pos_;
    return Status::OK();
  }

  Status Error(const std::string& what) const {
    return Status::InvalidArgument("JSON: offset " + std::to_string(pos_) + ": " + what);
  }

  std::string_view in_;
  size_t pos_ = 0;
};

Status MemberError(const std::string& name, const JsonValue& value, const std::string& what) {
  return Status::InvalidArgument("JSON: offset " + std::to_string(value.offset) + ": member \"" +
                                 name + "\" " + what);
}

// Takes the members of a proof one by one, checking types, then rejects any left over.
class MemberReader {
 public:
  explicit MemberReader(std::map<std::string, JsonValue> members) : members_(std::move(members)) {}

  bool Has(const std::string& name) const { return members_.count(name) != 0; }

  Status Number(const std::string& name, uint64_t* out) {
    ASSIGN_OR_RETURN(JsonValue value, Take(name, JsonValue::Kind::kNumber, "an integer"));
    *out = value.number;
    return Status::OK();
  }

  Status String(const std::string& name, std::string* out) {
    ASSIGN_OR_RETURN(JsonValue value, Take(name, JsonValue::Kind::kString, "a string"));
    *out = std::move(value.text);
    return Status::OK();
  }

  Status Hash(const std::string& name, Hash256* out) {
    ASSIGN_OR_RETURN(JsonValue value, Take(name, JsonValue::Kind::kString, "a string"));
    return HexToHash(name, value, value.text, out);
  }

  Status Bytes(const std::string& name, std::string* out) {
    ASSIGN_OR_RETURN(JsonValue value, Take(name, JsonValue::Kind::kString, "a string"));
    std::optional<std::string> bytes = FromHex(value.text);
    if (!bytes) {
      return MemberError(name, value, "is not hex");
    }
    *out = std::move(*bytes);
    return Status::OK();
  }

  Status Path(std::vector<Hash256>* out) {
    ASSIGN_OR_RETURN(JsonValue value,
                     Take("path", JsonValue::Kind::kStringArray, "an array of strings"));
    for (const std::string& item : value.items) {
      Hash256 hash;
      RETURN_IF_ERROR(HexToHash("path", value, item, &hash));
      out->push_back(hash);
    }
    return Status::OK();
  }

  Status CheckNoneLeft() const {
    if (!members_.empty()) {
      const auto& [name, value] = *members_.begin();
      return MemberError(name, value, "is not part of this proof type");
    }
    return Status::OK();
  }

 private:
  Result<JsonValue> Take(const std::string& name, JsonValue::Kind kind, const char* expected) {
    auto it = members_.find(name);
    if (it == members_.end()) {
      return Status::InvalidArgument("JSON: member \"" + name + "\" is missing");
    }
    JsonValue value = std::move(it->second);
    members_.erase(it);
    if (value.kind != kind) {
      return MemberError(name, value, std::string("must be ") + expected);
    }
    return value;
  }

  static Status HexToHash(const std::string& name, const JsonValue& value, const std::string& hex,
                          Hash256* out) {
    std::optional<std::string> bytes = FromHex(hex);
    if (!bytes || bytes->size() != out->size()) {
      return MemberError(name, value, "must hold hashes of 64 hex digits");
    }
    std::memcpy(out->data(), bytes->data(), out->size());
    return Status::OK();
  }

  std::map<std::string, JsonValue> members_;
};

Result<AnyProof> ReadInclusion(MemberReader* m) {
  InclusionProof proof;
  RETURN_IF_ERROR(m->Number("leaf_index", &proof.leaf_index));
  RETURN_IF_ERROR(m->Number("tree_size", &proof.tree_size));
  if (m->Has("leaf_hash") == m->Has("leaf_data")) {
    return Status::InvalidArgument(
        "JSON: an inclusion proof needs exactly one of \"leaf_hash\" and \"leaf_data\"");
  }
  if (m->Has("leaf_hash")) {
    RETURN_IF_ERROR(m->Hash("leaf_hash", &proof.leaf_hash));
  } else {
    std::string data;
    RETURN_IF_ERROR(m->Bytes("leaf_data", &data));
    proof.leaf_hash = HashLeaf(data);
  }
  RETURN_IF_ERROR(m->Hash("root_hash", &proof.root_hash));
  RETURN_IF_ERROR(m->Path(&proof.path));
  RETURN_IF_ERROR(m->CheckNoneLeft());
  return AnyProof(std::move(proof));
}

Result<AnyProof> ReadConsistency(MemberReader* m) {
  ConsistencyProof proof;
  RETURN_IF_ERROR(m->Number("old_size", &proof.old_size));
  RETURN_IF_ERROR(m->Number("new_size", &proof.new_size));
  RETURN_IF_ERROR(m->Hash("old_root", &proof.old_root));
  RETURN_IF_ERROR(m->Hash("new_root", &proof.new_root));
  RETURN_IF_ERROR(m->Path(&proof.path));
  RETURN_IF_ERROR(m->CheckNoneLeft());
  return AnyProof(std::move(proof));
}

void AppendHashMember(std::string* out, const char* name, const Hash256& hash) {
  *out += ",\"";
  *out += name;
  *out += "\":\"";
  *out += ToHex(AsBytes(hash));
  *out += '"';
}

void AppendPath(std::string* out, const std::vector<Hash256>& path) {
  *out += ",\"path\":[";
  for (size_t i = 0; i < path.size(); ++i) {
    *out += i == 0 ? "\"" : ",\"";
    *out += ToHex(AsBytes(path[i]));
    *out += '"';
  }
  *out += "]}";
}

}  // namespace

std::string ProofToJson(const InclusionProof& proof) {
  std::string out = "{\"type\":\"inclusion\",\"leaf_index\":" + std::to_string(proof.leaf_index) +
                    ",\"tree_size\":" + std::to_string(proof.tree_size);
  AppendHashMember(&out, "leaf_hash", proof.leaf_hash);
  AppendHashMember(&out, "root_hash", proof.root_hash);
  AppendPath(&out, proof.path);
  return out;
}

std::string ProofToJson(const ConsistencyProof& proof) {
  std::string out = "{\"type\":\"consistency\",\"old_size\":" + std::to_string(proof.old_size) +
                    ",\"new_size\":" + std::to_string(proof.new_size);
  AppendHashMember(&out, "old_root", proof.old_root);
  AppendHashMember(&out, "new_root", proof.new_root);
  AppendPath(&out, proof.path);
  return out;
}

std::string DigestToJson(const Digest& digest) {
  std::string out = "{\"type\":\"digest\",\"tree_size\":" + std::to_string(digest.tree_size);
  AppendHashMember(&out, "root_hash", digest.root);
  out += ",\"last_block_index\":" + std::to_string(digest.last_block_index);
  AppendHashMember(&out, "last_block_hash", digest.last_block_hash);
  out += '}';
  return out;
}

namespace {

// Parses the members and takes "type".
Status ReadObject(std::string_view json, std::unique_ptr<MemberReader>* reader, std::string* type) {
  std::map<std::string, JsonValue> members;
  RETURN_IF_ERROR(FlatObjectParser(json).Parse(&members));
  *reader = std::make_unique<MemberReader>(std::move(members));
  return (*reader)->String("type", type);
}

}  // namespace

Result<Digest> ParseDigestJson(std::string_view json) {
  std::unique_ptr<MemberReader> reader;
  std::string type;
  RETURN_IF_ERROR(ReadObject(json, &reader, &type));
  if (type != "digest") {
    return Status::InvalidArgument("digest JSON: \"type\" must be \"digest\"");
  }
  Digest digest;
  RETURN_IF_ERROR(reader->Number("tree_size", &digest.tree_size));
  RETURN_IF_ERROR(reader->Hash("root_hash", &digest.root));
  RETURN_IF_ERROR(reader->Number("last_block_index", &digest.last_block_index));
  RETURN_IF_ERROR(reader->Hash("last_block_hash", &digest.last_block_hash));
  RETURN_IF_ERROR(reader->CheckNoneLeft());
  return digest;
}

Result<AnyProof> ParseProofJson(std::string_view json) {
  std::unique_ptr<MemberReader> owned;
  std::string type;
  RETURN_IF_ERROR(ReadObject(json, &owned, &type));
  MemberReader& reader = *owned;
  if (type == "inclusion") {
    return ReadInclusion(&reader);
  }
  if (type == "consistency") {
    return ReadConsistency(&reader);
  }
  return Status::InvalidArgument("JSON: \"type\" must be \"inclusion\" or \"consistency\"");
}

}  // namespace blockdb::ledger
