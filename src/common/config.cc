#include "common/config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <limits>
#include <sstream>

// tomlplusplus parses the file: TOML's grammar (multi-line strings, dotted keys, dates) is not
// worth re-implementing. It throws on syntax errors; the exception is caught in ParseToml below.
#include <toml++/toml.h>

#include "common/check.h"
#include "common/env.h"

namespace blockdb {
namespace {

constexpr uint64_t kKiB = 1024;
constexpr uint64_t kMiB = 1024 * kKiB;
constexpr uint64_t kGiB = 1024 * kMiB;
constexpr uint64_t kTiB = 1024 * kGiB;

constexpr std::string_view kEnvPrefix = "BLOCKDB_";
constexpr std::string_view kSections[] = {"database", "cluster", "server", "log"};

std::string Quoted(std::string_view s) {
  std::string out = "\"";
  AppendJsonEscaped(s, &out);  // JSON string escapes are valid TOML basic-string escapes
  return out + "\"";
}

// One value on its way into a field: a typed TOML node from the file, or text from an environment
// variable or an override. `origin` says where it came from, for error messages.
struct Input {
  const toml::node* node = nullptr;
  std::string_view text;
  std::string origin;

  // The value as the user wrote it: TOML syntax for file values, the raw text otherwise.
  std::string Shown() const {
    if (node == nullptr) {
      return std::string(text);
    }
    if (auto s = node->value_exact<std::string>()) {
      return Quoted(*s);
    }
    if (auto d = node->value_exact<double>()) {
      char buf[64];
      auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), *d);  // shortest round-trip form
      return std::string(buf, end);
    }
    // toml++ prints integers, booleans, dates, arrays and tables in TOML syntax.
    std::ostringstream out;
    node->visit([&](const auto& v) { out << v; });
    return out.str();
  }
};

std::string Qualified(std::string_view section, std::string_view key) {
  return std::string(section) + "." + std::string(key);
}

Status Invalid(std::string_view section, std::string_view key, const Input& in,
               std::string_view problem) {
  return Status::InvalidArgument("config: " + Qualified(section, key) + " = " + in.Shown() + " " +
                                 std::string(problem) + in.origin);
}

// "64MiB" when the size is a whole number of a binary unit, else the number of bytes.
std::string FormatByteSize(uint64_t bytes) {
  static constexpr std::pair<uint64_t, std::string_view> kUnits[] = {
      {kTiB, "TiB"}, {kGiB, "GiB"}, {kMiB, "MiB"}, {kKiB, "KiB"}};
  for (const auto& [unit, name] : kUnits) {
    if (bytes != 0 && bytes % unit == 0) {
      return std::to_string(bytes / unit) + std::string(name);
    }
  }
  return std::to_string(bytes);
}

// A whole decimal number, optionally negative; nothing else (no spaces, no "0x").
std::optional<int64_t> ParseInteger(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || text[0] == '+') {
    return std::nullopt;
  }
  return value;
}

// --- Field descriptors -------------------------------------------------------------------------

// How one setting is reset to its default, parsed from an Input (with its validation), and shown.
struct FieldSpec {
  std::string_view section;
  std::string_view key;
  std::function<void(Config&)> reset;
  std::function<Status(Config&, const Input&)> assign;
  std::function<std::string(const Config&)> show;
};

// `field` is a generic lambda returning a reference to the member, e.g. FIELD(server.port).
#define FIELD(path) \
  [](auto& c) -> auto& { return c.path; }

template <typename Field>
using FieldType = std::remove_reference_t<decltype(std::declval<Field>()(std::declval<Config&>()))>;

// An integer in [min, max].
template <typename Field>
FieldSpec Integer(std::string_view section, std::string_view key, Field field, uint64_t def,
                  uint64_t min, uint64_t max) {
  BLOCKDB_CHECK(min <= def && def <= max);
  BLOCKDB_CHECK(max <= static_cast<uint64_t>(std::numeric_limits<FieldType<Field>>::max()));
  auto assign = [=](Config& c, const Input& in) -> Status {
    std::optional<int64_t> v =
        in.node != nullptr ? in.node->value_exact<int64_t>() : ParseInteger(in.text);
    if (!v) {
      return Invalid(section, key, in, "is not an integer");
    }
    if (*v < 0 || static_cast<uint64_t>(*v) < min || static_cast<uint64_t>(*v) > max) {
      return Invalid(section, key, in,
                     "is out of range (" + std::to_string(min) + ".." + std::to_string(max) + ")");
    }
    field(c) = static_cast<FieldType<Field>>(*v);
    return Status::OK();
  };
  return {section, key, [=](Config& c) { field(c) = static_cast<FieldType<Field>>(def); }, assign,
          [=](const Config& c) { return std::to_string(field(c)); }};
}

// A memory size in [min, max]: an integer of bytes or a string such as "64MiB".
template <typename Field>
FieldSpec ByteSize(std::string_view section, std::string_view key, Field field, uint64_t def,
                   uint64_t min, uint64_t max) {
  BLOCKDB_CHECK(min <= def && def <= max);
  auto assign = [=](Config& c, const Input& in) -> Status {
    std::optional<uint64_t> v;
    bool negative = false;
    if (in.node != nullptr && in.node->is_integer()) {
      int64_t i = *in.node->value_exact<int64_t>();
      negative = i < 0;
      v = static_cast<uint64_t>(i);
    } else if (in.node == nullptr || in.node->is_string()) {
      Result<uint64_t> parsed =
          ParseByteSize(in.node != nullptr ? in.node->as_string()->get() : in.text);
      if (parsed.ok()) {
        v = *parsed;
      }
    }
    if (!v) {
      return Invalid(section, key, in, "is not a memory size (bytes, or a string like \"64MiB\")");
    }
    if (negative || *v < min || *v > max) {
      return Invalid(section, key, in,
                     "is out of range (" + FormatByteSize(min) + ".." + FormatByteSize(max) + ")");
    }
    field(c) = *v;
    return Status::OK();
  };
  return {section, key, [=](Config& c) { field(c) = def; }, assign,
          [=](const Config& c) {
            std::string shown = FormatByteSize(field(c));
            return shown.back() == 'B' ? Quoted(shown) : shown;
          }};
}

template <typename Field>
FieldSpec Boolean(std::string_view section, std::string_view key, Field field, bool def) {
  auto assign = [=](Config& c, const Input& in) -> Status {
    std::optional<bool> v;
    if (in.node != nullptr) {
      v = in.node->value_exact<bool>();
    } else if (in.text == "true" || in.text == "1") {
      v = true;
    } else if (in.text == "false" || in.text == "0") {
      v = false;
    }
    if (!v) {
      return Invalid(section, key, in, "is not a boolean (true or false)");
    }
    field(c) = *v;
    return Status::OK();
  };
  return {section, key, [=](Config& c) { field(c) = def; }, assign,
          [=](const Config& c) { return std::string(field(c) ? "true" : "false"); }};
}

// Reads a string value (any text from the environment or an override).
std::optional<std::string> StringOf(const Input& in) {
  if (in.node == nullptr) {
    return std::string(in.text);
  }
  return in.node->value_exact<std::string>();
}

// A non-empty string.
template <typename Field>
FieldSpec Text(std::string_view section, std::string_view key, Field field, std::string def) {
  auto assign = [=](Config& c, const Input& in) -> Status {
    std::optional<std::string> v = StringOf(in);
    if (!v) {
      return Invalid(section, key, in, "is not a string");
    }
    if (v->empty()) {
      return Invalid(section, key, in, "must not be empty");
    }
    field(c) = std::move(*v);
    return Status::OK();
  };
  return {section, key, [=](Config& c) { field(c) = def; }, assign,
          [=](const Config& c) { return Quoted(field(c)); }};
}

// A string that may be empty (the default) and is never shown: DescribeConfig, which the server
// logs, prints "(redacted)" for a set value.
template <typename Field>
FieldSpec Secret(std::string_view section, std::string_view key, Field field) {
  auto assign = [=](Config& c, const Input& in) -> Status {
    std::optional<std::string> v = StringOf(in);
    if (!v) {
      // Not in.Shown(): the value is a secret even when it has the wrong type.
      return Status::InvalidArgument("config: " + Qualified(section, key) + " is not a string" +
                                     in.origin);
    }
    field(c) = std::move(*v);
    return Status::OK();
  };
  return {section, key, [=](Config& c) { field(c).clear(); }, assign,
          [=](const Config& c) { return Quoted(field(c).empty() ? "" : "(redacted)"); }};
}

// A string that may be empty (the default), such as an optional file path.
template <typename Field>
FieldSpec OptionalText(std::string_view section, std::string_view key, Field field) {
  auto assign = [=](Config& c, const Input& in) -> Status {
    std::optional<std::string> v = StringOf(in);
    if (!v) {
      return Invalid(section, key, in, "is not a string");
    }
    field(c) = std::move(*v);
    return Status::OK();
  };
  return {section, key, [=](Config& c) { field(c).clear(); }, assign,
          [=](const Config& c) { return Quoted(field(c)); }};
}

// One of a fixed set of names; names[i] stands for the enum value i.
template <typename Field>
FieldSpec Choice(std::string_view section, std::string_view key, Field field, FieldType<Field> def,
                 std::vector<std::string_view> names) {
  auto assign = [=](Config& c, const Input& in) -> Status {
    std::optional<std::string> v = StringOf(in);
    for (size_t i = 0; v && i < names.size(); ++i) {
      if (*v == names[i]) {
        field(c) = static_cast<FieldType<Field>>(i);
        return Status::OK();
      }
    }
    std::string expected = "is not one of ";
    for (size_t i = 0; i < names.size(); ++i) {
      expected += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + std::string(names[i]);
    }
    return Invalid(section, key, in, expected);
  };
  return {section, key, [=](Config& c) { field(c) = def; }, assign,
          [=](const Config& c) { return Quoted(names[static_cast<size_t>(field(c))]); }};
}

// Every setting: section, key, member, default, validation. docs/CONFIGURATION.md mirrors this
// table; keep them in step.
const std::vector<FieldSpec>& Fields() {
  static const std::vector<FieldSpec>* fields = new std::vector<FieldSpec>{
      Text("database", "data_dir", FIELD(database.data_dir), "./blockdb_data"),
      ByteSize("database", "memtable_size_limit", FIELD(database.memtable_size_limit), 64 * kMiB,
               64 * kKiB, 64 * kGiB),
      ByteSize("database", "block_cache_size", FIELD(database.block_cache_size), 64 * kMiB, 0,
               kTiB),
      Choice("database", "wal_sync_mode", FIELD(database.wal_sync_mode), WalSyncMode::kAlways,
             {"always", "interval"}),
      Integer("database", "wal_sync_interval", FIELD(database.wal_sync_interval_ms), 100, 1,
              60'000),
      ByteSize("database", "log_segment_size", FIELD(database.log_segment_size), 64 * kMiB,
               64 * kKiB, 4 * kGiB),
      Integer("database", "compaction_threshold", FIELD(database.compaction_threshold), 4, 2, 1000),
      Integer("database", "blockchain_batch_size", FIELD(database.blockchain_batch_size), 1000, 1,
              1'000'000),
      Integer("database", "block_interval_ms", FIELD(database.block_interval_ms), 1000, 1,
              3'600'000),
      Text("database", "name", FIELD(database.name), "blockdb"),
      Integer("cluster", "node_id", FIELD(cluster.node_id), 1, 1,
              std::numeric_limits<int64_t>::max()),
      Integer("cluster", "heartbeat_interval", FIELD(cluster.heartbeat_interval_ms), 150, 1,
              60'000),
      Integer("cluster", "election_timeout", FIELD(cluster.election_timeout_ms), 300, 2, 600'000),
      Boolean("cluster", "enable_transactions", FIELD(cluster.enable_transactions), true),
      Integer("cluster", "transaction_timeout", FIELD(cluster.transaction_timeout_s), 30, 1,
              86'400),
      Integer("cluster", "max_transaction_rows", FIELD(cluster.max_transaction_rows), 1'000'000, 1,
              1'000'000'000),
      ByteSize("cluster", "max_transaction_bytes", FIELD(cluster.max_transaction_bytes),
               256ull << 20, 1024, 16ull << 30),
      Text("server", "host", FIELD(server.host), "127.0.0.1"),
      // Port 0: the kernel picks a free port; the listener logs the one it bound.
      Integer("server", "port", FIELD(server.port), 5433, 0, 65535),
      Integer("server", "http_port", FIELD(server.http_port), 8080, 0, 65535),
      Integer("server", "worker_threads", FIELD(server.worker_threads), 0, 0, 1024),
      Integer("server", "max_connections", FIELD(server.max_connections), 100, 1, 100'000),
      Integer("server", "http_max_connections", FIELD(server.http_max_connections), 64, 1, 10'000),
      Integer("server", "http_read_timeout", FIELD(server.http_read_timeout_ms), 10'000, 10,
              3'600'000),
      Secret("server", "admin_token", FIELD(server.admin_token)),
      Boolean("server", "trust_loopback", FIELD(server.trust_loopback), true),
      Choice("server", "auth_method", FIELD(server.auth_method), PgAuthMethod::kScramSha256,
             {"scram-sha-256", "md5", "password"}),
      Secret("server", "bootstrap_password", FIELD(server.bootstrap_password)),
      OptionalText("server", "tls_cert", FIELD(server.tls_cert)),
      OptionalText("server", "tls_key", FIELD(server.tls_key)),
      ByteSize("server", "max_message_size", FIELD(server.max_message_size), 64 * kMiB, 64 * kKiB,
               kGiB),
      Integer("server", "startup_timeout", FIELD(server.startup_timeout_ms), 60'000, 0, 3'600'000),
      Integer("server", "idle_timeout", FIELD(server.idle_timeout_ms), 0, 0, 2'147'483'647),
      Integer("server", "statement_timeout", FIELD(server.statement_timeout_ms), 0, 0,
              2'147'483'647),
      Choice("log", "level", FIELD(log.level), LogLevel::kInfo,
             {"trace", "debug", "info", "warn", "error"}),
      Choice("log", "format", FIELD(log.format), LogFormat::kText, {"text", "json"}),
  };
  return *fields;
}

#undef FIELD

// Rules that involve more than one field, checked once every source has been applied.
Status ValidateAcrossFields(const Config& c) {
  if (c.cluster.election_timeout_ms <= c.cluster.heartbeat_interval_ms) {
    return Status::InvalidArgument(
        "config: cluster.election_timeout = " + std::to_string(c.cluster.election_timeout_ms) +
        " must exceed cluster.heartbeat_interval = " +
        std::to_string(c.cluster.heartbeat_interval_ms));
  }
  if (c.server.tls_cert.empty() != c.server.tls_key.empty()) {
    return Status::InvalidArgument(
        "config: server.tls_cert and server.tls_key must be set together (tls_cert = " +
        Quoted(c.server.tls_cert) + ", tls_key = " + Quoted(c.server.tls_key) + ")");
  }
  return Status::OK();
}

bool IsSection(std::string_view name) {
  return std::find(std::begin(kSections), std::end(kSections), name) != std::end(kSections);
}

const FieldSpec* FindField(std::string_view section, std::string_view key) {
  for (const FieldSpec& f : Fields()) {
    if (f.section == section && f.key == key) {
      return &f;
    }
  }
  return nullptr;
}

// Looks up section.key and assigns the input to it.
Status Apply(Config& c, std::string_view section, std::string_view key, const Input& in) {
  if (!IsSection(section)) {
    return Status::InvalidArgument("config: unknown section [" + std::string(section) + "]" +
                                   in.origin);
  }
  const FieldSpec* field = FindField(section, key);
  if (field == nullptr) {
    return Status::InvalidArgument("config: unknown key " + Qualified(section, key) + in.origin);
  }
  return field->assign(c, in);
}

// --- Sources -----------------------------------------------------------------------------------

std::string FileOrigin(const std::string& path, const toml::source_region& where) {
  return " (in " + path + " line " + std::to_string(where.begin.line) + ")";
}

// Parses TOML text; syntax errors become "config: <file>:<line>:<column>: <what>".
Result<toml::table> ParseToml(const std::string& text, const std::string& path) {
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument("config: " + path + ":" + std::to_string(e.source().begin.line) +
                                   ":" + std::to_string(e.source().begin.column) + ": " +
                                   std::string(e.description()));
  }
}

Status ApplySection(Config& c, const std::string& path, std::string_view section,
                    const toml::table& table) {
  for (const auto& [key, node] : table) {
    Input in{&node, {}, FileOrigin(path, key.source())};
    RETURN_IF_ERROR(Apply(c, section, key.str(), in));
  }
  return Status::OK();
}

Status ApplyFile(Config& c, Env* env, const std::string& path) {
  Result<std::string> text = ReadFileToString(env, path);
  if (!text.ok()) {
    return text.status().Annotate("config: cannot read " + path);
  }
  ASSIGN_OR_RETURN(toml::table root, ParseToml(*text, path));
  for (const auto& [name, node] : root) {
    std::string origin = FileOrigin(path, name.source());
    if (!IsSection(name.str())) {
      return Status::InvalidArgument(
          std::string("config: ") +
          (node.is_table() ? "unknown section [" + std::string(name.str()) + "]"
                           : "key " + std::string(name.str()) + " is outside any section") +
          origin);
    }
    if (!node.is_table()) {
      return Status::InvalidArgument("config: " + std::string(name.str()) +
                                     " must be a section ([" + std::string(name.str()) + "])" +
                                     origin);
    }
    RETURN_IF_ERROR(ApplySection(c, path, name.str(), *node.as_table()));
  }
  return Status::OK();
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) {
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return out;
}

// BLOCKDB_<SECTION>_<KEY>: the section is the first word after the prefix (no section name has an
// underscore), the key the rest, both lower-cased.
Status ApplyEnvironment(Config& c, const std::map<std::string, std::string>& environment) {
  for (const auto& [name, value] : environment) {
    if (name.compare(0, kEnvPrefix.size(), kEnvPrefix) != 0) {
      continue;
    }
    std::string_view rest = std::string_view(name).substr(kEnvPrefix.size());
    size_t split = rest.find('_');
    std::string section = Lower(rest.substr(0, split));
    std::string key = split == std::string_view::npos ? "" : Lower(rest.substr(split + 1));
    Input in{nullptr, value, " (from environment variable " + name + ")"};
    RETURN_IF_ERROR(Apply(c, section, key, in));
  }
  return Status::OK();
}

Status ApplyOverride(Config& c, const std::string& spec) {
  size_t eq = spec.find('=');
  size_t dot = spec.find('.');
  if (eq == std::string::npos || dot == std::string::npos || dot > eq) {
    return Status::InvalidArgument("config: override '" + spec +
                                   "' is not of the form section.key=value");
  }
  Input in{nullptr, std::string_view(spec).substr(eq + 1), " (from override '" + spec + "')"};
  return Apply(c, spec.substr(0, dot), spec.substr(dot + 1, eq - dot - 1), in);
}

}  // namespace

std::string_view WalSyncModeName(WalSyncMode mode) {
  return mode == WalSyncMode::kAlways ? "always" : "interval";
}

Config::Config() {
  for (const FieldSpec& f : Fields()) {
    f.reset(*this);
  }
}

Result<Config> LoadConfig(const ConfigSources& sources) {
  Config config;
  if (sources.file) {
    Env* env = sources.env != nullptr ? sources.env : Env::Default();
    RETURN_IF_ERROR(ApplyFile(config, env, *sources.file));
  }
  RETURN_IF_ERROR(ApplyEnvironment(config, sources.environment));
  for (const std::string& spec : sources.overrides) {
    RETURN_IF_ERROR(ApplyOverride(config, spec));
  }
  RETURN_IF_ERROR(ValidateAcrossFields(config));
  return config;
}

std::vector<std::string> DescribeConfig(const Config& config) {
  std::vector<std::string> lines;
  for (const FieldSpec& f : Fields()) {
    lines.push_back(Qualified(f.section, f.key) + " = " + f.show(config));
  }
  return lines;
}

Result<uint64_t> ParseByteSize(std::string_view text) {
  static constexpr std::pair<std::string_view, uint64_t> kUnits[] = {{"", 1},
                                                                     {"b", 1},
                                                                     {"kib", kKiB},
                                                                     {"mib", kMiB},
                                                                     {"gib", kGiB},
                                                                     {"tib", kTiB},
                                                                     {"kb", 1000},
                                                                     {"mb", 1000'000},
                                                                     {"gb", 1000'000'000},
                                                                     {"tb", 1000'000'000'000}};
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
    ++digits;
  }
  uint64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + digits, number);
  std::string_view unit = text.substr(digits);
  if (unit.size() > 1 && unit.front() == ' ') {
    unit.remove_prefix(1);
  }
  std::string lower = Lower(unit);
  for (const auto& [name, scale] : kUnits) {
    if (digits > 0 && ec == std::errc() && lower == name) {
      if (number > std::numeric_limits<uint64_t>::max() / scale) {
        break;
      }
      return number * scale;
    }
  }
  return Status::InvalidArgument("'" + std::string(text) + "' is not a memory size");
}

}  // namespace blockdb
