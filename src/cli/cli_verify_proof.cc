// blockdb-cli verify-proof: checks a Merkle inclusion or consistency proof offline.
//
//   verify-proof inclusion (--leaf-hash HEX | --leaf-data HEX) --index I --size N --root HEX
//                --path HEX[,HEX...]
//   verify-proof consistency --old-size M --old-root HEX --new-size N --new-root HEX
//                --path HEX[,HEX...]
//   verify-proof [inclusion|consistency] --json FILE      (FILE "-" reads standard input)
//
// The JSON is one proof (docs/format/ledger.md, "Proof JSON") or the whole output of
// `blockdb-cli prove --json`, whose "inclusion_proof" (or, for `consistency`, "consistency_proof")
// is checked.
//
// Prints "OK" and exits 0 when the proof holds; prints "FAIL: why" and exits 1 when it does not;
// exits 2 on malformed input. The verification trusts nothing but the arguments: the caller must
// compare the root(s) with a digest it kept itself (docs/VERIFICATION.md).
#include <charconv>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <cxxopts.hpp>

#include "cli/cli_commands.h"
#include "common/coding.h"
#include "common/env.h"
#include "common/status.h"
#include "engine/ledger/merkle.h"
#include "engine/ledger/proof.h"
#include "engine/ledger/proof_json.h"

namespace blockdb::cli {
namespace {

using ledger::AnyProof;
using ledger::ConsistencyProof;
using ledger::InclusionProof;

constexpr const char* kUsage =
    "usage:\n"
    "  blockdb-cli verify-proof inclusion (--leaf-hash HEX | --leaf-data HEX) --index I --size N\n"
    "              --root HEX --path HEX[,HEX...]\n"
    "  blockdb-cli verify-proof consistency --old-size M --old-root HEX --new-size N\n"
    "              --new-root HEX --path HEX[,HEX...]\n"
    "  blockdb-cli verify-proof [inclusion|consistency] --json FILE   (FILE - for stdin)\n"
    "\n"
    "Hashes are 64 hex digits; --path \"\" is an empty proof. --leaf-data is the entry's bytes,\n"
    "hashed as an RFC 6962 leaf. --json takes one proof, or the output of blockdb-cli prove\n"
    "--json (its inclusion proof; its consistency proof with 'consistency'). Prints OK and\n"
    "exits 0 when the proof holds, prints why and exits 1 when it does not, exits 2 on\n"
    "malformed input. Check the root(s) against a digest you kept yourself: the proof only\n"
    "ties the leaf or old tree to the root given here.\n";

cxxopts::Options MakeOptions() {
  cxxopts::Options options("blockdb-cli verify-proof", "Check a Merkle proof offline");
  auto text = [] { return cxxopts::value<std::string>(); };
  auto add = options.add_options();
  add("leaf-hash", "inclusion: leaf hash (64 hex digits)", text());
  add("leaf-data", "inclusion: leaf data (hex), hashed as SHA-256(0x00 || data)", text());
  add("index", "inclusion: leaf index", text());
  add("size", "inclusion: tree size", text());
  add("root", "inclusion: root hash of the tree of --size leaves", text());
  add("old-size", "consistency: old tree size", text());
  add("old-root", "consistency: old root hash", text());
  add("new-size", "consistency: new tree size", text());
  add("new-root", "consistency: new root hash", text());
  add("path", "proof hashes, comma-separated, deepest first (\"\" for none)", text());
  add("json", "read the proof as JSON from FILE (- for standard input)", text());
  add("h,help", "print this help");
  return options;
}

// A malformed-input error: printed to stderr, exit code 2.
struct UsageError {
  std::string message;
};

template <typename T>
using Parsed = std::variant<T, UsageError>;

std::optional<std::string> Arg(const cxxopts::ParseResult& args, const char* name) {
  if (args.count(name) == 0) {
    return std::nullopt;
  }
  return args[name].as<std::string>();
}

Parsed<std::string> Required(const cxxopts::ParseResult& args, const char* name) {
  std::optional<std::string> value = Arg(args, name);
  if (!value) {
    return UsageError{std::string("missing --") + name};
  }
  return *value;
}

Parsed<uint64_t> ParseCount(const std::string& name, const std::string& text) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return UsageError{"--" + name + " must be a non-negative integer, got '" + text + "'"};
  }
  return v;
}

Parsed<Hash256> ParseHash(const std::string& what, std::string_view hex) {
  std::optional<std::string> bytes = FromHex(hex);
  Hash256 hash;
  if (!bytes || bytes->size() != hash.size()) {
    return UsageError{what + " must be 64 hex digits, got '" + std::string(hex) + "'"};
  }
  std::memcpy(hash.data(), bytes->data(), hash.size());
  return hash;
}

Parsed<std::vector<Hash256>> ParsePath(const std::string& text) {
  std::vector<Hash256> path;
  if (text.empty()) {
    return path;
  }
  size_t start = 0;
  for (;;) {
    const size_t comma = text.find(',', start);
    const std::string_view item =
        std::string_view(text).substr(start, comma == std::string::npos ? comma : comma - start);
    Parsed<Hash256> hash = ParseHash("each --path element", item);
    if (auto* error = std::get_if<UsageError>(&hash)) {
      return *error;
    }
    path.push_back(std::get<Hash256>(hash));
    if (comma == std::string::npos) {
      return path;
    }
    start = comma + 1;
  }
}

// Unwraps a Parsed<T> into `out`, or returns its error from the enclosing function.
#define TAKE_OR_RETURN(out, expr)                         \
  do {                                                    \
    auto _parsed = (expr);                                \
    if (auto* _err = std::get_if<UsageError>(&_parsed)) { \
      return *_err;                                       \
    }                                                     \
    out = std::move(std::get<0>(_parsed));                \
  } while (0)

Parsed<AnyProof> InclusionFromArgs(const cxxopts::ParseResult& args) {
  InclusionProof proof;
  const std::optional<std::string> leaf_hash = Arg(args, "leaf-hash");
  const std::optional<std::string> leaf_data = Arg(args, "leaf-data");
  if (leaf_hash.has_value() == leaf_data.has_value()) {
    return UsageError{"give exactly one of --leaf-hash and --leaf-data"};
  }
  if (leaf_hash) {
    TAKE_OR_RETURN(proof.leaf_hash, ParseHash("--leaf-hash", *leaf_hash));
  } else {
    std::optional<std::string> data = FromHex(*leaf_data);
    if (!data) {
      return UsageError{"--leaf-data must be hex, got '" + *leaf_data + "'"};
    }
    proof.leaf_hash = ledger::HashLeaf(*data);
  }
  std::string text;
  TAKE_OR_RETURN(text, Required(args, "index"));
  TAKE_OR_RETURN(proof.leaf_index, ParseCount("index", text));
  TAKE_OR_RETURN(text, Required(args, "size"));
  TAKE_OR_RETURN(proof.tree_size, ParseCount("size", text));
  TAKE_OR_RETURN(text, Required(args, "root"));
  TAKE_OR_RETURN(proof.root_hash, ParseHash("--root", text));
  TAKE_OR_RETURN(text, Required(args, "path"));
  TAKE_OR_RETURN(proof.path, ParsePath(text));
  return AnyProof(std::move(proof));
}

Parsed<AnyProof> ConsistencyFromArgs(const cxxopts::ParseResult& args) {
  ConsistencyProof proof;
  std::string text;
  TAKE_OR_RETURN(text, Required(args, "old-size"));
  TAKE_OR_RETURN(proof.old_size, ParseCount("old-size", text));
  TAKE_OR_RETURN(text, Required(args, "old-root"));
  TAKE_OR_RETURN(proof.old_root, ParseHash("--old-root", text));
  TAKE_OR_RETURN(text, Required(args, "new-size"));
  TAKE_OR_RETURN(proof.new_size, ParseCount("new-size", text));
  TAKE_OR_RETURN(text, Required(args, "new-root"));
  TAKE_OR_RETURN(proof.new_root, ParseHash("--new-root", text));
  TAKE_OR_RETURN(text, Required(args, "path"));
  TAKE_OR_RETURN(proof.path, ParsePath(text));
  return AnyProof(std::move(proof));
}

size_t SkipSpace(std::string_view json, size_t pos) {
  while (pos < json.size() && std::strchr(" \t\r\n", json[pos]) != nullptr) ++pos;
  return pos;
}

// The end of the string that starts at json[pos] ('"'), or npos when it does not end.
size_t SkipString(std::string_view json, size_t pos) {
  for (++pos; pos < json.size(); ++pos) {
    if (json[pos] == '\\') {
      ++pos;
    } else if (json[pos] == '"') {
      return pos + 1;
    }
  }
  return std::string_view::npos;
}

// The end of the JSON value that starts at json[pos], or npos. Only the nesting is followed: the
// value found is checked by the parser it is given to.
size_t SkipValue(std::string_view json, size_t pos) {
  if (pos >= json.size()) return std::string_view::npos;
  if (json[pos] == '"') return SkipString(json, pos);
  if (json[pos] != '{' && json[pos] != '[') {
    while (pos < json.size() && std::strchr(",}] \t\r\n", json[pos]) == nullptr) ++pos;
    return pos;
  }
  int depth = 0;
  while (pos < json.size()) {
    const char c = json[pos];
    if (c == '"') {
      pos = SkipString(json, pos);
      if (pos == std::string_view::npos) return pos;
      continue;
    }
    if (c == '{' || c == '[') ++depth;
    if ((c == '}' || c == ']') && --depth == 0) return pos + 1;
    ++pos;
  }
  return std::string_view::npos;
}

// The text of member `name` of the JSON object `json` (not of objects nested in it), or nullopt
// when json is not an object holding it. This is how a `blockdb-cli prove --json` document, which
// carries the proofs as members "inclusion_proof" and "consistency_proof", is read.
std::optional<std::string_view> TopLevelMember(std::string_view json, std::string_view name) {
  size_t pos = SkipSpace(json, 0);
  if (pos >= json.size() || json[pos] != '{') return std::nullopt;
  pos = SkipSpace(json, pos + 1);
  while (pos < json.size() && json[pos] == '"') {
    const size_t key_end = SkipString(json, pos);
    if (key_end == std::string_view::npos) return std::nullopt;
    const std::string_view key = json.substr(pos + 1, key_end - pos - 2);
    pos = SkipSpace(json, key_end);
    if (pos >= json.size() || json[pos] != ':') return std::nullopt;
    pos = SkipSpace(json, pos + 1);
    const size_t value_end = SkipValue(json, pos);
    if (value_end == std::string_view::npos) return std::nullopt;
    if (key == name) return json.substr(pos, value_end - pos);
    pos = SkipSpace(json, value_end);
    if (pos >= json.size() || json[pos] != ',') return std::nullopt;
    pos = SkipSpace(json, pos + 1);
  }
  return std::nullopt;
}

// A proof, or the output of `blockdb-cli prove --json` holding one: its inclusion proof, or its
// consistency proof when `kind` is "consistency".
Parsed<AnyProof> ParseProofOrProveOutput(std::string_view json, std::string_view kind) {
  Result<AnyProof> proof = ledger::ParseProofJson(json);
  if (proof.ok()) {
    return std::move(*proof);
  }
  const std::string member = kind == "consistency" ? "consistency_proof" : "inclusion_proof";
  std::optional<std::string_view> inner = TopLevelMember(json, member);
  if (!inner) {
    return UsageError{proof.status().message()};
  }
  if (*inner == "null") {
    return UsageError{"the prove output holds no " + member +
                      " (the proof and the digest were of the same tree)"};
  }
  Result<AnyProof> nested = ledger::ParseProofJson(*inner);
  if (!nested.ok()) {
    return UsageError{member + ": " + nested.status().message()};
  }
  return std::move(*nested);
}

Parsed<AnyProof> ProofFromJsonFile(const std::string& file, std::string_view kind) {
  std::string json;
  if (file == "-") {
    json.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    Result<std::string> contents = ReadFileToString(Env::Default(), file);
    if (!contents.ok()) {
      return UsageError{"cannot read " + file + ": " + contents.status().ToString()};
    }
    json = std::move(*contents);
  }
  return ParseProofOrProveOutput(json, kind);
}

// The options that describe a proof on the command line (not allowed together with --json).
constexpr const char* kProofOptions[] = {"leaf-hash", "leaf-data", "index",    "size",     "root",
                                         "old-size",  "old-root",  "new-size", "new-root", "path"};

Parsed<AnyProof> ProofFrom(std::string_view kind, const cxxopts::ParseResult& args) {
  if (const std::optional<std::string> file = Arg(args, "json")) {
    for (const char* name : kProofOptions) {
      if (args.count(name) > 0) {
        return UsageError{std::string("--") + name + " cannot be combined with --json"};
      }
    }
    AnyProof proof;
    TAKE_OR_RETURN(proof, ProofFromJsonFile(*file, kind));
    const bool is_inclusion = std::holds_alternative<InclusionProof>(proof);
    if ((kind == "inclusion" && !is_inclusion) || (kind == "consistency" && is_inclusion)) {
      return UsageError{"the JSON holds a proof of another type than '" + std::string(kind) + "'"};
    }
    return proof;
  }
  if (kind == "inclusion") {
    return InclusionFromArgs(args);
  }
  if (kind == "consistency") {
    return ConsistencyFromArgs(args);
  }
  return UsageError{"say 'inclusion' or 'consistency', or give --json FILE"};
}

int Usage(const std::string& message) {
  std::fprintf(stderr, "blockdb-cli verify-proof: %s\n\n%s", message.c_str(), kUsage);
  return kExitUsage;
}

}  // namespace

int RunVerifyProof(int argc, char** argv) {
  // The proof type is an optional first word; the rest are options.
  std::string_view kind;
  std::vector<char*> rest = {argv[0]};
  int first_option = 1;
  if (argc > 1 && argv[1][0] != '-') {
    kind = argv[1];
    first_option = 2;
    if (kind != "inclusion" && kind != "consistency") {
      return Usage("unknown proof type '" + std::string(kind) + "'");
    }
  }
  rest.insert(rest.end(), argv + first_option, argv + argc);

  cxxopts::Options options = MakeOptions();
  Parsed<AnyProof> proof = UsageError{};
  try {
    cxxopts::ParseResult args = options.parse(static_cast<int>(rest.size()), rest.data());
    if (args.count("help") > 0) {
      std::printf("%s", kUsage);
      return kExitOk;
    }
    if (!args.unmatched().empty()) {
      return Usage("unexpected argument '" + args.unmatched().front() + "'");
    }
    proof = ProofFrom(kind, args);
  } catch (const cxxopts::exceptions::exception& e) {
    // cxxopts reports command-line errors by throwing; they end here as usage errors.
    return Usage(e.what());
  }
  if (auto* error = std::get_if<UsageError>(&proof)) {
    return Usage(error->message);
  }
  const Status verified =
      std::visit([](const auto& p) { return ledger::VerifyProof(p); }, std::get<AnyProof>(proof));
  if (verified.ok()) {
    std::printf("OK\n");
    return kExitOk;
  }
  if (verified.IsInvalidArgument()) {
    return Usage(verified.message());
  }
  std::printf("FAIL: %s\n", verified.message().c_str());
  return kExitFailed;
}

}  // namespace blockdb::cli
