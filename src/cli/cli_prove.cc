// blockdb-cli prove: a row's inclusion proof, fetched over the PostgreSQL protocol and checked
// here.
//
//   prove TABLE KEY... [--digest FILE|JSON|SIZE:ROOT] [--json] [connection options]
//
// Fetches SELECT * FROM blockdb_inclusion_proof('TABLE', KEY...) and checks, trusting nothing the
// server says: that the entry bytes hash to the leaf hash, that the path leads from that leaf to
// the proof's root, and that the proof's tree is tied to a digest. With --digest (saved earlier)
// a consistency proof from it to the proof's tree is fetched and checked, so the row is proven to
// be in a ledger that only appended to what the digest covers; without it the current digest is
// fetched and tied to the proof the same way (only as trustworthy as this connection).
//
// Exit codes: 0 the proof holds; 1 it does not, or the row is not there; 2 usage error or a table
// or key the server rejects; 3 cannot connect; 4 the server answered another error.
#include <time.h>

#include <cstdio>
#include <string>
#include <vector>

#include "cli/cli_commands.h"
#include "cli/cli_online.h"
#include "common/coding.h"
#include "engine/ledger/entry.h"
#include "engine/ledger/merkle.h"
#include "engine/ledger/proof_json.h"

namespace blockdb::cli {
namespace {

constexpr const char* kUsage =
    "usage: blockdb-cli prove TABLE KEY... [--digest FILE|JSON|SIZE:ROOT] [--json]\n"
    "                         [connection options]\n"
    "\n"
    "Fetches the inclusion proof of the row of TABLE whose primary key is KEY... (one value per\n"
    "key column; a value that looks like a number is sent as a number, anything else as a string)\n"
    "and checks it here: the entry hashes to the leaf, the path leads to the root, and the tree "
    "is\n"
    "tied by a consistency proof to --digest (a digest saved earlier with `digest --json`) or, by\n"
    "default, to the digest fetched now.\n"
    "Exit codes: 0 the proof holds, 1 it does not or the row is not there, 2 usage error (or the\n"
    "server rejects the table or key), 3 cannot connect, 4 the server answered another error.\n"
    "\n"
    "Connection: --host (127.0.0.1) --port (5433) --user (blockdb) --dbname (blockdb)\n"
    "--connect-timeout SECONDS (10); a password comes from PGPASSWORD or ~/.pgpass; libpq's\n"
    "other variables apply (PGSSLMODE=verify-full with PGSSLROOTCERT for a trusted channel).\n";

struct ProveArgs {
  PgTarget target;
  std::string table;
  std::vector<std::string> keys;
  std::optional<TrustedDigest> digest;
  bool json = false;
};

// What was proven, for the report.
struct Proven {
  ledger::InclusionProof inclusion;
  std::string entry;  // the entry's bytes
  ledger::Entry decoded;
  TrustedDigest digest;  // the one the proof was tied to
  bool digest_given = false;
  std::optional<ledger::ConsistencyProof> consistency;  // when the sizes differ
};

bool LooksNumeric(const std::string& text) {
  size_t i = text.starts_with("-") ? 1 : 0;
  size_t digits = 0;
  bool dot = false;
  for (; i < text.size(); ++i) {
    if (text[i] == '.' && !dot) {
      dot = true;
    } else if (text[i] >= '0' && text[i] <= '9') {
      ++digits;
    } else {
      return false;
    }
  }
  return digits > 0 && text.back() != '.';
}

std::string ProofQuery(const ProveArgs& args) {
  std::string sql = "SELECT * FROM blockdb_inclusion_proof(" + SqlLiteral(args.table);
  for (const std::string& key : args.keys) {
    sql += ", " + (LooksNumeric(key) ? key : SqlLiteral(key));
  }
  return sql + ")";
}

std::string KeyText(const std::vector<std::string>& keys) {
  std::string out = "(";
  for (size_t i = 0; i < keys.size(); ++i) {
    out += (i > 0 ? ", " : "") + keys[i];
  }
  return out + ")";
}

// Parses the proof row; anything malformed is a proof that does not hold (kExitFailed).
Expected<Proven> ParseProof(const QueryResult& result, const ProveArgs& args) {
  if (result.rows.empty()) {
    return Failure{kExitFailed, "table " + args.table + " has no row with key " +
                                    KeyText(args.keys) + " in the ledger"};
  }
  Proven p;
  std::string text;
  CLI_TAKE_OR_RETURN(text, Field(result, 0, "entry"));
  std::optional<std::string> entry = FromHex(text);
  if (!entry) {
    return Failure{kExitFailed, "the server's entry is not hex"};
  }
  p.entry = std::move(*entry);
  ledger::InclusionProof& proof = p.inclusion;
  CLI_TAKE_OR_RETURN(text, Field(result, 0, "leaf_index"));
  CLI_TAKE_OR_RETURN(proof.leaf_index, ParseCountField("leaf_index", text, kExitFailed));
  CLI_TAKE_OR_RETURN(text, Field(result, 0, "tree_size"));
  CLI_TAKE_OR_RETURN(proof.tree_size, ParseCountField("tree_size", text, kExitFailed));
  CLI_TAKE_OR_RETURN(text, Field(result, 0, "leaf_hash"));
  CLI_TAKE_OR_RETURN(proof.leaf_hash, ParseHashField("leaf_hash", text, kExitFailed));
  CLI_TAKE_OR_RETURN(text, Field(result, 0, "root_hash"));
  CLI_TAKE_OR_RETURN(proof.root_hash, ParseHashField("root_hash", text, kExitFailed));
  CLI_TAKE_OR_RETURN(text, Field(result, 0, "path"));
  CLI_TAKE_OR_RETURN(proof.path, ParsePathField("inclusion path", text, kExitFailed));
  return p;
}

// The checks that need nothing but the proof: entry -> leaf hash -> root.
std::optional<Failure> CheckInclusion(Proven* p) {
  if (ledger::HashLeaf(p->entry) != p->inclusion.leaf_hash) {
    return Failure{kExitFailed, "the entry's bytes hash to " + HashHex(ledger::HashLeaf(p->entry)) +
                                    ", not to the proof's leaf hash " +
                                    HashHex(p->inclusion.leaf_hash)};
  }
  if (Status s = ledger::DecodeEntry(p->entry, &p->decoded); !s.ok()) {
    return Failure{kExitFailed, "the proven bytes are not a ledger entry: " + s.message()};
  }
  if (Status s = ledger::VerifyProof(p->inclusion); !s.ok()) {
    return Failure{kExitFailed, "the inclusion proof of leaf " +
                                    std::to_string(p->inclusion.leaf_index) + " in the tree of " +
                                    std::to_string(p->inclusion.tree_size) +
                                    " entries does not verify: " + s.message()};
  }
  return std::nullopt;
}

// Ties the proof's tree to the digest: given (older or equal) or fetched now (newer or equal).
std::optional<Failure> CheckDigest(PgConnection* conn, Proven* p) {
  const ledger::InclusionProof& proof = p->inclusion;
  Expected<ledger::ConsistencyProof> tied = Failure{kExitFailed, ""};
  if (p->digest_given || p->digest.tree_size <= proof.tree_size) {
    tied = CheckConsistency(conn, p->digest.tree_size, p->digest.root, proof.tree_size,
                            proof.root_hash);
  } else {
    tied = CheckConsistency(conn, proof.tree_size, proof.root_hash, p->digest.tree_size,
                            p->digest.root);
  }
  if (auto* failure = std::get_if<Failure>(&tied)) {
    return *failure;
  }
  if (p->digest.tree_size != proof.tree_size) {
    p->consistency = std::get<ledger::ConsistencyProof>(tied);
  }
  return std::nullopt;
}

std::string FormatTime(int64_t micros) {
  const time_t seconds = static_cast<time_t>(micros / 1'000'000);
  tm utc{};
  gmtime_r(&seconds, &utc);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d %02d:%02d:%02d.%06lld UTC", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<long long>(micros % 1'000'000));
  return buf;
}

std::string DigestSentence(const Proven& p) {
  const uint64_t proof_size = p.inclusion.tree_size;
  std::string out = std::string(p.digest_given ? "your digest" : "the digest fetched now") +
                    " of " + std::to_string(p.digest.tree_size) + " entries: ";
  if (!p.consistency) {
    out += "same tree as the proof";
  } else if (p.digest.tree_size < proof_size) {
    out += "the proof's tree of " + std::to_string(proof_size) +
           " entries extends it (consistency proof checked here)";
  } else {
    out += "it extends the proof's tree (consistency proof checked here)";
  }
  if (p.digest_given) {
    out += p.inclusion.leaf_index < p.digest.tree_size ? "; the row is covered by your digest"
                                                       : "; the row was added after your digest";
  }
  return out;
}

void PrintProven(const ProveArgs& args, const Proven& p) {
  const ledger::InclusionProof& proof = p.inclusion;
  if (args.json) {
    JsonObject out;
    out.String("status", "ok").String("table", args.table);
    std::string keys = "[";
    for (const std::string& key : args.keys) {
      keys += (keys.size() > 1 ? "," : "") + JsonQuote(key);
    }
    out.Raw("key", keys + "]").Number("leaf_index", proof.leaf_index);
    out.Number("tree_size", proof.tree_size).String("leaf_hash", HashHex(proof.leaf_hash));
    out.String("root_hash", HashHex(proof.root_hash)).String("entry", ToHex(p.entry));
    out.Number("log_index", p.decoded.log_index).Number("txn_id", p.decoded.txn_id);
    out.Raw("timestamp_micros", std::to_string(p.decoded.timestamp_micros));
    out.Raw("inclusion_proof", ledger::ProofToJson(proof));
    out.String("digest_source", p.digest_given ? "given" : "fetched");
    out.Number("digest_tree_size", p.digest.tree_size);
    out.String("digest_root_hash", HashHex(p.digest.root));
    p.consistency ? out.Raw("consistency_proof", ledger::ProofToJson(*p.consistency))
                  : out.Null("consistency_proof");
    std::printf("%s\n", out.Done().c_str());
    return;
  }
  std::printf("OK: the row %s of %s is entry %llu of the ledger\n", KeyText(args.keys).c_str(),
              args.table.c_str(), static_cast<unsigned long long>(proof.leaf_index));
  std::printf("entry:  log index %llu, transaction %llu, written %s, %zu bytes\n",
              static_cast<unsigned long long>(p.decoded.log_index),
              static_cast<unsigned long long>(p.decoded.txn_id),
              FormatTime(p.decoded.timestamp_micros).c_str(), p.entry.size());
  std::printf("leaf:   %s\n", HashHex(proof.leaf_hash).c_str());
  std::printf("tree:   %llu entries, root %s (path of %zu hashes checked here)\n",
              static_cast<unsigned long long>(proof.tree_size), HashHex(proof.root_hash).c_str(),
              proof.path.size());
  std::printf("digest: %s\n", DigestSentence(p).c_str());
}

int Prove(const ProveArgs& args) {
  std::unique_ptr<PgConnection> conn;
  QueryResult result;
  Proven proven;
  auto run = [&]() -> std::optional<Failure> {
    CLI_TAKE_OR_RETURN(conn, PgConnection::Connect(args.target));
    CLI_TAKE_OR_RETURN(result, conn->Query(ProofQuery(args)));
    CLI_TAKE_OR_RETURN(proven, ParseProof(result, args));
    if (std::optional<Failure> failure = CheckInclusion(&proven)) {
      return failure;
    }
    proven.digest_given = args.digest.has_value();
    if (args.digest) {
      proven.digest = *args.digest;
    } else {
      ledger::Digest now;
      CLI_TAKE_OR_RETURN(now, FetchDigest(conn.get()));
      proven.digest = TrustedDigest{now.tree_size, now.root, now};
    }
    return CheckDigest(conn.get(), &proven);
  };
  if (std::optional<Failure> failure = run()) {
    if (failure->exit_code != kExitFailed) {
      return Report("prove", *failure);
    }
    if (args.json) {
      std::printf("%s\n", JsonObject()
                              .String("status", "failed")
                              .String("reason", failure->message)
                              .Done()
                              .c_str());
    } else {
      std::printf("FAIL: %s\n", failure->message.c_str());
    }
    return kExitFailed;
  }
  PrintProven(args, proven);
  return kExitOk;
}

}  // namespace

int RunProve(int argc, char** argv) {
  cxxopts::Options options("blockdb-cli prove", "");
  AddPgOptions(&options);
  auto text = [] { return cxxopts::value<std::string>(); };
  options.add_options()("digest", "a saved digest: JSON, a file holding it, or SIZE:ROOT", text())(
      "json", "print JSON")("h,help", "print this help")(
      "words", "TABLE KEY...", cxxopts::value<std::vector<std::string>>());
  options.parse_positional({"words"});
  auto parsed = ParseCommandLine(&options, argc, argv, "prove", kUsage);
  if (const int* code = std::get_if<int>(&parsed)) {
    return *code;
  }
  const cxxopts::ParseResult& args = std::get<cxxopts::ParseResult>(parsed);
  ProveArgs prove;
  prove.json = args.count("json") > 0;
  auto collect = [&]() -> std::optional<Failure> {
    CLI_TAKE_OR_RETURN(prove.target, PgTargetFrom(args));
    std::vector<std::string> words;
    if (args.count("words") > 0) {
      words = args["words"].as<std::vector<std::string>>();
    }
    if (words.size() < 2) {
      return Failure{kExitUsage, "give a table and its key value(s)\n\n" + std::string(kUsage)};
    }
    prove.table = words[0];
    prove.keys.assign(words.begin() + 1, words.end());
    if (args.count("digest") > 0) {
      CLI_TAKE_OR_RETURN(prove.digest, ParseTrustedDigest(args["digest"].as<std::string>()));
    }
    return std::nullopt;
  };
  if (std::optional<Failure> failure = collect()) {
    return Report("prove", *failure);
  }
  return Prove(prove);
}

}  // namespace blockdb::cli
