#include "common/logging.h"

#include <doctest/doctest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <chrono>
#include <sstream>

namespace blockdb {
namespace {

std::string Escaped(std::string_view text) {
  std::string out;
  AppendJsonEscaped(text, &out);
  return out;
}

// Formats one message with `format` at a fixed time: 2024-05-01T12:34:56.789Z.
std::string FormatAt(LogFormat format, spdlog::level::level_enum level, std::string_view logger,
                     std::string_view msg) {
  auto time = spdlog::log_clock::time_point(std::chrono::milliseconds(1714566896789));
  spdlog::details::log_msg m(time, spdlog::source_loc{}, logger, level, msg);
  spdlog::memory_buf_t buf;
  MakeLogFormatter(format)->format(m, buf);
  return std::string(buf.data(), buf.size());
}

TEST_CASE("logging: JSON escaping of messages") {
  CHECK(Escaped("plain text") == "plain text");
  CHECK(Escaped(R"(say "hi")") == R"(say \"hi\")");
  CHECK(Escaped(R"(C:\data)") == R"(C:\\data)");
  CHECK(Escaped("a\nb\tc\rd") == R"(a\nb\tc\rd)");
  CHECK(Escaped(std::string_view("\x00\x01\x1f\x7f", 4)) == R"(\u0000\u0001\u001f\u007f)");
  CHECK(Escaped("/") == "/");
  // Valid UTF-8 passes through unchanged (2-, 3- and 4-byte sequences).
  CHECK(Escaped("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\x92") ==
        "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\x92");
  // Bytes that are not UTF-8 become U+FFFD, one per bad byte, so the line stays valid JSON.
  const std::string kReplacement = "\xEF\xBF\xBD";
  CHECK(Escaped("key\xFF") == "key" + kReplacement);
  CHECK(Escaped("\xC3") == kReplacement);                     // truncated sequence
  CHECK(Escaped("\xC0\xAF") == kReplacement + kReplacement);  // overlong '/'
  CHECK(Escaped("\xED\xA0\x80") == kReplacement + kReplacement + kReplacement);  // surrogate
  CHECK(Escaped("\xF4\x90\x80\x80").size() == 4 * kReplacement.size());          // above U+10FFFF
}

TEST_CASE("logging: JSON lines") {
  CHECK(
      FormatAt(LogFormat::kJson, spdlog::level::info, "engine", "flushed \"mem\"\n") ==
      R"({"ts":"2024-05-01T12:34:56.789Z","level":"info","logger":"engine","msg":"flushed \"mem\"\n"})"
      "\n");
  CHECK(FormatAt(LogFormat::kJson, spdlog::level::warn, "server", "x").find(R"("level":"warn")") !=
        std::string::npos);
  CHECK(FormatAt(LogFormat::kJson, spdlog::level::err, "server", "x").find(R"("level":"error")") !=
        std::string::npos);
}

TEST_CASE("logging: text lines") {
  CHECK(FormatAt(LogFormat::kText, spdlog::level::info, "engine", "flushed") ==
        "2024-05-01T12:34:56.789Z info  engine: flushed\n");
  CHECK(FormatAt(LogFormat::kText, spdlog::level::err, "raft", "lost") ==
        "2024-05-01T12:34:56.789Z error raft: lost\n");
}

TEST_CASE("logging: level and format names") {
  CHECK(*ParseLogLevel("warn") == LogLevel::kWarn);
  CHECK(LogLevelName(LogLevel::kTrace) == "trace");
  CHECK_FALSE(ParseLogLevel("warning").ok());
  CHECK(*ParseLogFormat("json") == LogFormat::kJson);
  CHECK(LogFormatName(LogFormat::kText) == "text");
  CHECK_FALSE(ParseLogFormat("xml").ok());
}

TEST_CASE("logging: loggers made before setup follow SetupLogging") {
  auto early = Logger("early_component");
  CHECK(early == Logger("early_component"));
  CHECK(early->name() == "early_component");

  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  REQUIRE(SetupLogging(LogLevel::kWarn, LogFormat::kJson, sink).ok());
  early->info("dropped below warn");
  early->warn("kept \"quoted\"");
  Logger("late_component")->error("late");
  early->flush();
  std::string text = out.str();
  CHECK(text.find("dropped") == std::string::npos);
  CHECK(text.find(R"("level":"warn","logger":"early_component","msg":"kept \"quoted\""})") !=
        std::string::npos);
  CHECK(text.find(R"("logger":"late_component","msg":"late"})") != std::string::npos);

  // Back to the defaults for the other tests in this binary.
  REQUIRE(SetupLogging(LogLevel::kInfo, LogFormat::kText).ok());
}

}  // namespace
}  // namespace blockdb
