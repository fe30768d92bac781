// The subcommands of blockdb-cli. Each takes the arguments after the program name (argv[0] is the
// subcommand's own name), writes to standard output and error, and returns the process exit code.
#pragma once

namespace blockdb::cli {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
// The thing checked does not hold (a proof that does not verify).
inline constexpr int kExitFailed = 1;
// Malformed command line or input (unknown option, bad hex, index >= size, unreadable file...).
inline constexpr int kExitUsage = 2;

// `verify-proof inclusion|consistency ...` and `verify-proof --json FILE`: checks a Merkle proof
// offline, trusting only its arguments.
int RunVerifyProof(int argc, char** argv);

// `verify --data-dir DIR [--config FILE] [--from-block N] [--digest FILE|JSON]`: VERIFY over a
// stopped server's data directory (exit 1 when the ledger does not verify or the data is damaged).
int RunVerify(int argc, char** argv);

}  // namespace blockdb::cli
