#include "common/logging.h"

#include <ctime>
#include <map>
#include <mutex>

#include <spdlog/sinks/dist_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace blockdb {
namespace {

constexpr std::string_view kLevelNames[] = {"trace", "debug", "info", "warn", "error"};
constexpr std::string_view kFormatNames[] = {"text", "json"};

spdlog::level::level_enum ToSpdlog(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace:
      return spdlog::level::trace;
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

// spdlog's own names say "warning" and "critical"; BlockDB prints the names users configure.
std::string_view SpdlogLevelName(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return "trace";
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warn";
    case spdlog::level::err:
      return "error";
    case spdlog::level::critical:
      return "critical";
    default:
      return "off";
  }
}

// "2024-05-01T12:34:56.789Z". Hand-written rather than spdlog's pattern flags so that the text
// and JSON formats share one definition of the timestamp.
void AppendTimestamp(spdlog::log_clock::time_point tp, spdlog::memory_buf_t& dest) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  auto since_epoch = duration_cast<milliseconds>(tp.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(since_epoch / 1000);
  int millis = static_cast<int>(since_epoch % 1000);
  if (millis < 0) {
    millis += 1000;
    secs -= 1;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  fmt::format_to(std::back_inserter(dest), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 millis);
}

void Append(spdlog::memory_buf_t& dest, std::string_view s) {
  dest.append(s.data(), s.data() + s.size());
}

class TextFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    AppendTimestamp(msg.time, dest);
    std::string_view level = SpdlogLevelName(msg.level);
    Append(dest, " ");
    Append(dest, level);
    Append(dest, std::string_view("      ", level.size() < 5 ? 6 - level.size() : 1));
    Append(dest, std::string_view(msg.logger_name.data(), msg.logger_name.size()));
    Append(dest, ": ");
    Append(dest, std::string_view(msg.payload.data(), msg.payload.size()));
    Append(dest, "\n");
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<TextFormatter>();
  }
};

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    Append(dest, "{\"ts\":\"");
    AppendTimestamp(msg.time, dest);
    Append(dest, "\",\"level\":\"");
    Append(dest, SpdlogLevelName(msg.level));
    Append(dest, "\",\"logger\":\"");
    std::string escaped;
    AppendJsonEscaped(std::string_view(msg.logger_name.data(), msg.logger_name.size()), &escaped);
    Append(dest, escaped);
    Append(dest, "\",\"msg\":\"");
    escaped.clear();
    AppendJsonEscaped(std::string_view(msg.payload.data(), msg.payload.size()), &escaped);
    Append(dest, escaped);
    Append(dest, "\"}\n");
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

// Process-wide logging state. Every logger writes to `sink`, a distributing sink whose children
// and formatter SetupLogging replaces (dist_sink_mt does that under its own mutex, so loggers in
// use on other threads see either the old or the new configuration, never a torn one).
struct LogState {
  std::mutex mu;
  std::shared_ptr<spdlog::sinks::dist_sink_mt> sink;
  spdlog::level::level_enum level = spdlog::level::info;
  std::map<std::string, std::shared_ptr<spdlog::logger>, std::less<>> loggers;  // GUARDED_BY(mu)

  LogState() : sink(std::make_shared<spdlog::sinks::dist_sink_mt>()) {
    sink->add_sink(std::make_shared<spdlog::sinks::stderr_sink_mt>());
    sink->set_formatter(std::make_unique<TextFormatter>());
  }
};

// Never destroyed: loggers may be used from static destructors and detached threads.
LogState& State() {
  static auto* state = new LogState();
  return *state;
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not one (overlong forms,
// surrogates and code points above U+10FFFF are invalid, per RFC 3629).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    return 0;
  }
  uint32_t cp = len == 1 ? c : c & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      return 0;
    }
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinForLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return len;
}

}  // namespace

std::string_view LogLevelName(LogLevel level) { return kLevelNames[static_cast<int>(level)]; }

Result<LogLevel> ParseLogLevel(std::string_view name) {
  for (size_t i = 0; i < std::size(kLevelNames); ++i) {
    if (kLevelNames[i] == name) {
      return static_cast<LogLevel>(i);
    }
  }
  return Status::InvalidArgument("unknown log level '" + std::string(name) +
                                 "' (expected trace, debug, info, warn or error)");
}

std::string_view LogFormatName(LogFormat format) { return kFormatNames[static_cast<int>(format)]; }

Result<LogFormat> ParseLogFormat(std::string_view name) {
  for (size_t i = 0; i < std::size(kFormatNames); ++i) {
    if (kFormatNames[i] == name) {
      return static_cast<LogFormat>(i);
    }
  }
  return Status::InvalidArgument("unknown log format '" + std::string(name) +
                                 "' (expected text or json)");
}

std::unique_ptr<spdlog::formatter> MakeLogFormatter(LogFormat format) {
  if (format == LogFormat::kJson) {
    return std::make_unique<JsonFormatter>();
  }
  return std::make_unique<TextFormatter>();
}

Status SetupLogging(LogLevel level, LogFormat format, spdlog::sink_ptr sink) {
  LogState& state = State();
  std::lock_guard<std::mutex> lock(state.mu);
  if (sink == nullptr) {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  }
  state.sink->set_sinks({std::move(sink)});
  state.sink->set_formatter(MakeLogFormatter(format));
  state.level = ToSpdlog(level);
  for (auto& [name, logger] : state.loggers) {
    logger->set_level(state.level);
  }
  return Status::OK();
}

std::shared_ptr<spdlog::logger> Logger(std::string_view component) {
  LogState& state = State();
  std::lock_guard<std::mutex> lock(state.mu);
  auto it = state.loggers.find(component);
  if (it != state.loggers.end()) {
    return it->second;
  }
  auto logger = std::make_shared<spdlog::logger>(std::string(component), state.sink);
  logger->set_level(state.level);
  // Warnings and errors reach the sink at once, so a crash right after one does not lose it.
  logger->flush_on(spdlog::level::warn);
  state.loggers.emplace(std::string(component), logger);
  return logger;
}

void AppendJsonEscaped(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c == '\n') {
      out->append("\\n");
    } else if (c == '\r') {
      out->append("\\r");
    } else if (c == '\t') {
      out->append("\\t");
    } else if (c < 0x20 || c == 0x7F) {
      out->append("\\u00");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 0xF]);
    } else if (c >= 0x80) {
      size_t len = Utf8SequenceLength(text, i);
      if (len == 0) {
        out->append("\xEF\xBF\xBD");  // U+FFFD REPLACEMENT CHARACTER
        ++i;
        continue;
      }
      out->append(text.substr(i, len));
      i += len;
      continue;
    } else {
      out->push_back(static_cast<char>(c));
    }
    ++i;
  }
}

}  // namespace blockdb
