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
// Online commands: the server could not be reached (connection refused, timeout, unknown host) or
// refused access (authentication failed, HTTP 401).
inline constexpr int kExitUnreachable = 3;
// Online commands: the server answered with an error (a SQL error not about the input, an
// unexpected HTTP status) or with something that is not the expected answer.
inline constexpr int kExitServer = 4;

// `verify-proof inclusion|consistency ...` and `verify-proof --json FILE`: checks a Merkle proof
// offline, trusting only its arguments.
int RunVerifyProof(int argc, char** argv);

// `verify --data-dir DIR [--config FILE] [--from-block N] [--digest FILE|JSON]`: VERIFY over a
// stopped server's data directory (exit 1 when the ledger does not verify or the data is damaged).
// Without --data-dir it is the online form, RunVerifyOnline.
int RunVerify(int argc, char** argv);

// The online commands (cli_status.cc, cli_digest.cc, cli_prove.cc): they talk to a running server.
// `status` and `metrics` read the HTTP sidecar; `digest`, `verify` and `prove` use the PostgreSQL
// protocol, as any client can.
int RunStatus(int argc, char** argv);
int RunMetrics(int argc, char** argv);
int RunDigest(int argc, char** argv);
// `verify [--from-block N] [--digest D]`: VERIFY CHAIN on the server, with an elapsed-time line on
// a terminal; with --digest also checks locally that the ledger extends that digest.
int RunVerifyOnline(int argc, char** argv);
// `prove TABLE KEY... [--digest D]`: fetches the row's inclusion proof and checks it locally,
// against --digest (through a consistency proof) or against a digest fetched now.
int RunProve(int argc, char** argv);

}  // namespace blockdb::cli
