// Logging: one set of named spdlog loggers per process ("engine", "server", "raft"...), all writing
// through one shared sink in one of two formats:
//
//   text  2024-05-01T12:34:56.789Z info  engine: flushed memtable to 000012.sst (4.1 MiB)
//   json  {"ts":"2024-05-01T12:34:56.789Z","level":"info","logger":"engine","msg":"flushed ..."}
//
// Timestamps are UTC. The JSON form is one object per line, the message escaped per RFC 8259 (and
// bytes that are not valid UTF-8 replaced by U+FFFD), so a log shipper can parse every line.
//
// What to log (STYLE.md habit 16): one line per state change and one per failure at a module
// boundary; never in hot loops; never log a Status that is also returned.
//
// Thread safety: every function here may be called from any thread. Loggers are thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/logger.h>

#include "common/status.h"

namespace blockdb {

enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError };
enum class LogFormat { kText, kJson };

// "trace", "debug", "info", "warn", "error".
std::string_view LogLevelName(LogLevel level);
// Inverse of LogLevelName; InvalidArgument for anything else.
Result<LogLevel> ParseLogLevel(std::string_view name);
// "text", "json".
std::string_view LogFormatName(LogFormat format);
Result<LogFormat> ParseLogFormat(std::string_view name);

// Sets the level and format of every logger, existing or future. Output goes to `sink`, or to
// standard error when sink is null (the default). May be called again to reconfigure.
// Returns OK; the Status leaves room for sinks that can fail to open (a file).
Status SetupLogging(LogLevel level, LogFormat format, spdlog::sink_ptr sink = nullptr);

// The logger for one component, created on first use. Works before SetupLogging (text format at
// info level on standard error) and keeps working after it: loggers share the sink that
// SetupLogging configures. The returned pointer stays valid for the life of the process.
std::shared_ptr<spdlog::logger> Logger(std::string_view component);

// The formatter used for `format`; exposed for tests and for sinks added by other modules.
std::unique_ptr<spdlog::formatter> MakeLogFormatter(LogFormat format);

// Appends `text` to *out as the body of a JSON string (without the surrounding quotes): escapes
// '"', '\\' and control characters, and replaces bytes that are not valid UTF-8 with U+FFFD.
void AppendJsonEscaped(std::string_view text, std::string* out);

}  // namespace blockdb
