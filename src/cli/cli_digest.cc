// blockdb-cli digest and the online blockdb-cli verify, over the PostgreSQL protocol.
//
//   digest [--json] [connection options]
//   verify [--from-block N] [--digest D] [--json] [connection options]
//
// digest prints SELECT * FROM blockdb_digest(); with --json exactly the digest JSON that --digest
// reads back (save it where the server cannot change it). verify runs VERIFY CHAIN on the server
// (an elapsed-time line on a terminal while it runs, with the entry count from the digest); with
// --digest it then checks here, with a consistency proof, that the verified tree extends the saved
// digest, and that the saved block is still the chain's block of that index.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "cli/cli_commands.h"
#include "cli/cli_online.h"
#include "engine/ledger/merkle.h"
#include "engine/ledger/proof_json.h"

namespace blockdb::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kConnectionHelp =
    "Connection: --host (127.0.0.1) --port (5433) --user (blockdb) --dbname (blockdb)\n"
    "--connect-timeout SECONDS (10); a password comes from PGPASSWORD or ~/.pgpass; libpq's\n"
    "other variables apply (PGSSLMODE=verify-full with PGSSLROOTCERT for a trusted channel).\n";

constexpr const char* kDigestUsage =
    "usage: blockdb-cli digest [--json] [connection options]\n"
    "\n"
    "Prints the ledger's current digest (tree size, root hash, last block and its hash).\n"
    "--json prints the digest JSON that `verify --digest` and `prove --digest` read: save it\n"
    "where the server cannot change it.\n"
    "Exit codes: 0 OK, 2 usage error, 3 cannot connect, 4 the server answered an error.\n";

constexpr const char* kVerifyUsage =
    "usage: blockdb-cli verify [--from-block N] [--digest FILE|JSON|SIZE:ROOT] [--json]\n"
    "                          [connection options]\n"
    "       blockdb-cli verify --data-dir DIR ...  (offline; verify --data-dir DIR --help)\n"
    "\n"
    "Runs VERIFY CHAIN on a running server: every entry, tree node, block and the hash chain.\n"
    "--from-block N trusts block N and checks the blocks after it. --digest is a digest saved\n"
    "earlier: a consistency proof from it to the verified tree is then checked here, which does\n"
    "not rely on the server's honesty (the server's own VERIFY does).\n"
    "Exit codes: 0 OK, 1 the ledger does not verify or does not extend --digest, 2 usage error,\n"
    "3 cannot connect, 4 the server answered an error.\n";

std::string Usage(const char* usage) { return std::string(usage) + "\n" + kConnectionHelp; }

cxxopts::Options MakeOptions(const char* name) {
  cxxopts::Options options(name, "");
  AddPgOptions(&options);
  options.add_options()("json", "print JSON")("h,help", "print this help");
  return options;
}

// The elapsed-time line while the server verifies: redrawn on a terminal, a plain line every
// 5 s otherwise (nothing when it is done sooner).
class WaitIndicator {
 public:
  explicit WaitIndicator(uint64_t entries) : tty_(isatty(STDERR_FILENO) == 1), entries_(entries) {}

  void Update(Clock::duration elapsed) {
    const double s = std::chrono::duration<double>(elapsed).count();
    if (tty_) {
      static constexpr const char* kSpin[] = {"|", "/", "-", "\\"};
      std::fprintf(stderr, "\r%s verifying %llu entries on the server, %.1f s elapsed ",
                   kSpin[spin_++ % 4], static_cast<unsigned long long>(entries_), s);
      drawn_ = true;
    } else if (s >= next_line_s_) {
      std::fprintf(stderr, "verify: verifying %llu entries on the server, %.0f s elapsed\n",
                   static_cast<unsigned long long>(entries_), s);
      next_line_s_ += 5;
    }
    std::fflush(stderr);
  }

  void Finish() {
    if (drawn_) {
      std::fputs("\r\033[K", stderr);  // erase the line: the verdict follows on stdout
    }
  }

 private:
  const bool tty_;
  const uint64_t entries_;
  unsigned spin_ = 0;
  double next_line_s_ = 5;
  bool drawn_ = false;
};

struct VerifyRow {
  std::string status;
  uint64_t blocks_checked = 0;
  uint64_t entries_checked = 0;
  uint64_t tree_size = 0;
  Hash256 root{};
  std::optional<std::string> first_bad_block;
  std::string detail;
  std::string elapsed_ms;
};

Expected<VerifyRow> ParseVerifyRow(const QueryResult& result) {
  if (result.rows.size() != 1) {
    return Failure{kExitServer, "VERIFY CHAIN answered " + std::to_string(result.rows.size()) +
                                    " rows instead of one"};
  }
  VerifyRow row;
  std::string text;
  CLI_TAKE_OR_RETURN(row.status, Field(result, 0, "status"));
  CLI_TAKE_OR_RETURN(text, Field(result, 0, "blocks_checked"));
  CLI_TAKE_OR_RETURN(row.blocks_checked, ParseCountField("blocks_checked", text, kExitServer));
  CLI_TAKE_OR_RETURN(text, Field(result, 0, "entries_checked"));
  CLI_TAKE_OR_RETURN(row.entries_checked, ParseCountField("entries_checked", text, kExitServer));
  CLI_TAKE_OR_RETURN(text, Field(result, 0, "tree_size"));
  CLI_TAKE_OR_RETURN(row.tree_size, ParseCountField("tree_size", text, kExitServer));
  CLI_TAKE_OR_RETURN(text, Field(result, 0, "root_hash"));
  CLI_TAKE_OR_RETURN(row.root, ParseHashField("root_hash", text, kExitServer));
  const int bad = result.Column("first_bad_block");
  if (bad >= 0) {
    row.first_bad_block = result.rows[0][bad];
  }
  const int detail = result.Column("detail");
  if (detail >= 0 && result.rows[0][detail]) {
    row.detail = *result.rows[0][detail];
  }
  const int elapsed = result.Column("elapsed_ms");
  if (elapsed >= 0 && result.rows[0][elapsed]) {
    row.elapsed_ms = *result.rows[0][elapsed];
  }
  return row;
}

// --digest against the verified tree: a consistency proof, and the saved block's hash.
Expected<std::string> CheckSavedDigest(PgConnection* conn, const TrustedDigest& saved,
                                       const VerifyRow& row) {
  ledger::ConsistencyProof proof;
  CLI_TAKE_OR_RETURN(proof,
                     CheckConsistency(conn, saved.tree_size, saved.root, row.tree_size, row.root));
  std::string done = "the verified tree of " + std::to_string(row.tree_size) +
                     " entries extends your digest of " + std::to_string(saved.tree_size) +
                     " (consistency proof checked here)";
  if (saved.full) {
    const std::string index = std::to_string(saved.full->last_block_index);
    QueryResult blocks;
    CLI_TAKE_OR_RETURN(blocks,
                       conn->Query("SELECT hash FROM blockdb_blocks WHERE index = " + index));
    std::string hash;
    if (!blocks.rows.empty()) {
      CLI_TAKE_OR_RETURN(hash, Field(blocks, 0, "hash"));
    }
    if (hash != HashHex(saved.full->last_block_hash)) {
      return Failure{kExitFailed, "block " + index + " of your digest has hash " +
                                      HashHex(saved.full->last_block_hash) + ", the server's " +
                                      (hash.empty() ? "chain has no such block" : "has " + hash)};
    }
    done += "; block " + index + " is unchanged";
  }
  return done;
}

void PrintVerify(const VerifyRow& row, uint64_t from_block, const Failure* digest_failure,
                 const std::optional<std::string>& digest_ok, bool json) {
  const bool ok = row.status == "ok" && digest_failure == nullptr;
  if (json) {
    JsonObject out;
    out.String("status", ok ? "ok" : "failed").String("server_status", row.status);
    out.Number("from_block", from_block).Number("blocks_checked", row.blocks_checked);
    out.Number("entries_checked", row.entries_checked).Number("tree_size", row.tree_size);
    out.String("root_hash", HashHex(row.root));
    row.first_bad_block ? out.Raw("first_bad_block", *row.first_bad_block)
                        : out.Null("first_bad_block");
    out.String("detail", row.detail)
        .Raw("elapsed_ms", row.elapsed_ms.empty() ? "null" : row.elapsed_ms);
    if (digest_failure != nullptr) {
      out.String("digest_check", "failed").String("digest_detail", digest_failure->message);
    } else if (digest_ok) {
      out.String("digest_check", "ok").String("digest_detail", *digest_ok);
    } else {
      out.Null("digest_check");
    }
    std::printf("%s\n", out.Done().c_str());
    return;
  }
  if (row.status != "ok") {
    std::printf("FAILED: the server's VERIFY CHAIN reports %s\n", row.detail.c_str());
    std::printf("first bad block: %s\n", row.first_bad_block.value_or("none").c_str());
    std::printf("verified before it: %llu blocks, %llu entries\n",
                static_cast<unsigned long long>(row.blocks_checked),
                static_cast<unsigned long long>(row.entries_checked));
    return;
  }
  if (digest_failure != nullptr) {
    std::printf("FAILED: the ledger does not extend your digest: %s\n",
                digest_failure->message.c_str());
  } else {
    std::printf("OK: the server verified the ledger\n");
  }
  std::printf("blocks:  %llu verified (after block %llu)\n",
              static_cast<unsigned long long>(row.blocks_checked),
              static_cast<unsigned long long>(from_block));
  std::printf("entries: %llu verified\n", static_cast<unsigned long long>(row.entries_checked));
  std::printf("tree:    %llu entries, root %s\n", static_cast<unsigned long long>(row.tree_size),
              HashHex(row.root).c_str());
  if (digest_ok) {
    std::printf("digest:  %s\n", digest_ok->c_str());
  }
  std::printf("elapsed: %s ms on the server\n", row.elapsed_ms.c_str());
}

int VerifyOnline(const cxxopts::ParseResult& args) {
  PgTarget target;
  std::optional<TrustedDigest> saved;
  uint64_t from_block = 0;
  std::unique_ptr<PgConnection> conn;
  ledger::Digest now;
  QueryResult result;
  VerifyRow row;
  auto run = [&]() -> std::optional<Failure> {
    CLI_TAKE_OR_RETURN(target, PgTargetFrom(args));
    if (args.count("from-block") > 0) {
      CLI_TAKE_OR_RETURN(
          from_block,
          ParseCountField("--from-block", args["from-block"].as<std::string>(), kExitUsage));
    }
    if (args.count("digest") > 0) {
      CLI_TAKE_OR_RETURN(saved, ParseTrustedDigest(args["digest"].as<std::string>()));
    }
    CLI_TAKE_OR_RETURN(conn, PgConnection::Connect(target));
    CLI_TAKE_OR_RETURN(now, FetchDigest(conn.get()));
    if (from_block > 0 && from_block >= now.last_block_index) {
      return Failure{kExitUsage, "--from-block must be below the newest block, " +
                                     std::to_string(now.last_block_index) +
                                     ": online, the blocks after it are what is verified"};
    }
    WaitIndicator indicator(now.tree_size);
    // --from-block N trusts block N, as in the offline form; SQL's FROM BLOCK n checks block n.
    const std::string sql =
        "VERIFY CHAIN" + (from_block > 0 ? " FROM BLOCK " + std::to_string(from_block + 1) : "");
    auto verified = conn->Query(sql, [&](Clock::duration d) { indicator.Update(d); });
    indicator.Finish();
    CLI_TAKE_OR_RETURN(result, std::move(verified));
    CLI_TAKE_OR_RETURN(row, ParseVerifyRow(result));
    return std::nullopt;
  };
  if (std::optional<Failure> failure = run()) {
    return Report("verify", *failure);
  }
  std::optional<Failure> digest_failure;
  std::optional<std::string> digest_ok;
  if (saved && row.status == "ok") {
    auto checked = CheckSavedDigest(conn.get(), *saved, row);
    if (auto* failure = std::get_if<Failure>(&checked)) {
      if (failure->exit_code != kExitFailed) {
        return Report("verify", *failure);
      }
      digest_failure = *failure;
    } else {
      digest_ok = std::get<std::string>(checked);
    }
  }
  PrintVerify(row, from_block, digest_failure ? &*digest_failure : nullptr, digest_ok,
              args.count("json") > 0);
  return row.status == "ok" && !digest_failure ? kExitOk : kExitFailed;
}

}  // namespace

Expected<std::string> Field(const QueryResult& result, size_t row, std::string_view name) {
  const int column = result.Column(name);
  if (column < 0 || row >= result.rows.size() || !result.rows[row][column]) {
    return Failure{kExitServer, "the server's answer has no value for " + std::string(name)};
  }
  return *result.rows[row][column];
}

Expected<ledger::Digest> FetchDigest(PgConnection* conn) {
  QueryResult result;
  CLI_TAKE_OR_RETURN(result, conn->Query("SELECT * FROM blockdb_digest()"));
  if (result.rows.size() != 1) {
    return Failure{kExitServer, "blockdb_digest() answered " + std::to_string(result.rows.size()) +
                                    " rows instead of one"};
  }
  ledger::Digest digest;
  std::string text;
  CLI_TAKE_OR_RETURN(text, Field(result, 0, "tree_size"));
  CLI_TAKE_OR_RETURN(digest.tree_size, ParseCountField("tree_size", text, kExitServer));
  CLI_TAKE_OR_RETURN(text, Field(result, 0, "root_hash"));
  CLI_TAKE_OR_RETURN(digest.root, ParseHashField("root_hash", text, kExitServer));
  CLI_TAKE_OR_RETURN(text, Field(result, 0, "block_index"));
  CLI_TAKE_OR_RETURN(digest.last_block_index, ParseCountField("block_index", text, kExitServer));
  CLI_TAKE_OR_RETURN(text, Field(result, 0, "block_hash"));
  CLI_TAKE_OR_RETURN(digest.last_block_hash, ParseHashField("block_hash", text, kExitServer));
  return digest;
}

Expected<ledger::ConsistencyProof> CheckConsistency(PgConnection* conn, uint64_t old_size,
                                                    const Hash256& old_root, uint64_t new_size,
                                                    const Hash256& new_root) {
  const std::string olds = std::to_string(old_size);
  const std::string news = std::to_string(new_size);
  if (old_size > new_size) {
    return Failure{kExitFailed, "the server's tree has " + news + " entries, fewer than the " +
                                    olds + " of the trusted digest: entries were removed"};
  }
  ledger::ConsistencyProof proof;
  if (old_size == new_size) {
    if (old_root != new_root) {
      return Failure{kExitFailed, "the server's tree of " + news + " entries has root " +
                                      HashHex(new_root) + ", the trusted digest's is " +
                                      HashHex(old_root) + ": the history was rewritten"};
    }
    proof = {old_size, new_size, old_root, new_root, {}};
    return proof;
  }
  QueryResult result;
  CLI_TAKE_OR_RETURN(
      result, conn->Query("SELECT * FROM blockdb_consistency_proof(" + olds + ", " + news + ")"));
  std::string text;
  CLI_TAKE_OR_RETURN(text, Field(result, 0, "old_size"));
  CLI_TAKE_OR_RETURN(proof.old_size, ParseCountField("old_size", text, kExitFailed));
  CLI_TAKE_OR_RETURN(text, Field(result, 0, "new_size"));
  CLI_TAKE_OR_RETURN(proof.new_size, ParseCountField("new_size", text, kExitFailed));
  CLI_TAKE_OR_RETURN(text, Field(result, 0, "old_root"));
  CLI_TAKE_OR_RETURN(proof.old_root, ParseHashField("old_root", text, kExitFailed));
  CLI_TAKE_OR_RETURN(text, Field(result, 0, "new_root"));
  CLI_TAKE_OR_RETURN(proof.new_root, ParseHashField("new_root", text, kExitFailed));
  CLI_TAKE_OR_RETURN(text, Field(result, 0, "path"));
  CLI_TAKE_OR_RETURN(proof.path, ParsePathField("consistency path", text, kExitFailed));
  if (proof.old_size != old_size || proof.new_size != new_size) {
    return Failure{kExitFailed, "the server sent a consistency proof for other sizes"};
  }
  if (proof.old_root != old_root) {
    return Failure{kExitFailed, "the server's tree of " + olds + " entries has root " +
                                    HashHex(proof.old_root) + ", the trusted digest's is " +
                                    HashHex(old_root) + ": the history was rewritten"};
  }
  if (proof.new_root != new_root) {
    return Failure{kExitFailed, "the server's consistency proof ends at root " +
                                    HashHex(proof.new_root) + ", not " + HashHex(new_root)};
  }
  // The proof's own roots are now the trusted ones: verifying it ties the two trees together.
  if (Status s = ledger::VerifyProof(proof); !s.ok()) {
    return Failure{kExitFailed, "the consistency proof from " + olds + " to " + news +
                                    " entries does not verify: " + s.message()};
  }
  return proof;
}

int RunDigest(int argc, char** argv) {
  cxxopts::Options options = MakeOptions("blockdb-cli digest");
  const std::string usage = Usage(kDigestUsage);
  auto parsed = ParseCommandLine(&options, argc, argv, "digest", usage.c_str());
  if (const int* code = std::get_if<int>(&parsed)) {
    return *code;
  }
  const cxxopts::ParseResult& args = std::get<cxxopts::ParseResult>(parsed);
  PgTarget target;
  std::unique_ptr<PgConnection> conn;
  ledger::Digest digest;
  auto run = [&]() -> std::optional<Failure> {
    CLI_TAKE_OR_RETURN(target, PgTargetFrom(args));
    CLI_TAKE_OR_RETURN(conn, PgConnection::Connect(target));
    CLI_TAKE_OR_RETURN(digest, FetchDigest(conn.get()));
    return std::nullopt;
  };
  if (std::optional<Failure> failure = run()) {
    return Report("digest", *failure);
  }
  if (args.count("json") > 0) {
    std::printf("%s\n", ledger::DigestToJson(digest).c_str());
  } else {
    std::printf("tree_size:  %llu\nroot_hash:  %s\nblock:      %llu\nblock_hash: %s\n",
                static_cast<unsigned long long>(digest.tree_size), HashHex(digest.root).c_str(),
                static_cast<unsigned long long>(digest.last_block_index),
                HashHex(digest.last_block_hash).c_str());
  }
  return kExitOk;
}

int RunVerifyOnline(int argc, char** argv) {
  cxxopts::Options options = MakeOptions("blockdb-cli verify");
  auto text = [] { return cxxopts::value<std::string>(); };
  options.add_options()("from-block", "trust block N and verify the blocks after it", text())(
      "digest", "a saved digest: JSON, a file holding it, or TREE_SIZE:ROOT_HASH", text());
  const std::string usage = Usage(kVerifyUsage);
  auto parsed = ParseCommandLine(&options, argc, argv, "verify", usage.c_str());
  if (const int* code = std::get_if<int>(&parsed)) {
    return *code;
  }
  return VerifyOnline(std::get<cxxopts::ParseResult>(parsed));
}

}  // namespace blockdb::cli
