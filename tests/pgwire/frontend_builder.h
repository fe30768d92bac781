// Client-side encoding of frontend messages, for tests and the fuzzer's seeds: the bytes a
// PostgreSQL client would send, built independently of the decoder under test.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace blockdb::pgwire::testing {

inline void AppendInt16(std::string* s, int v) {
  s->push_back(static_cast<char>((v >> 8) & 0xff));
  s->push_back(static_cast<char>(v & 0xff));
}

inline void AppendInt32(std::string* s, int64_t v) {
  const auto u = static_cast<uint32_t>(v);
  for (int shift = 24; shift >= 0; shift -= 8) {
    s->push_back(static_cast<char>((u >> shift) & 0xff));
  }
}

inline void AppendCString(std::string* s, std::string_view v) {
  s->append(v);
  s->push_back('\0');
}

// type byte + int32 length (body + 4) + body.
inline std::string Typed(char type, std::string_view body) {
  std::string s(1, type);
  AppendInt32(&s, static_cast<int64_t>(body.size()) + 4);
  s.append(body);
  return s;
}

// int32 length + int32 code + body (startup phase).
inline std::string Untyped(int64_t code, std::string_view body) {
  std::string s;
  AppendInt32(&s, static_cast<int64_t>(body.size()) + 8);
  AppendInt32(&s, code);
  s.append(body);
  return s;
}

inline std::string StartupBytes(std::initializer_list<std::pair<std::string, std::string>> params,
                                int64_t version = 3 << 16) {
  std::string body;
  for (const auto& [k, v] : params) {
    AppendCString(&body, k);
    AppendCString(&body, v);
  }
  body.push_back('\0');
  return Untyped(version, body);
}

inline std::string QueryBytes(std::string_view sql) {
  std::string body;
  AppendCString(&body, sql);
  return Typed('Q', body);
}

inline std::string ParseBytes(std::string_view name, std::string_view sql,
                              const std::vector<uint32_t>& oids) {
  std::string body;
  AppendCString(&body, name);
  AppendCString(&body, sql);
  AppendInt16(&body, static_cast<int>(oids.size()));
  for (uint32_t oid : oids) {
    AppendInt32(&body, oid);
  }
  return Typed('P', body);
}

inline std::string BindBytes(std::string_view portal, std::string_view statement,
                             const std::vector<int>& param_formats,
                             const std::vector<std::optional<std::string>>& params,
                             const std::vector<int>& result_formats) {
  std::string body;
  AppendCString(&body, portal);
  AppendCString(&body, statement);
  AppendInt16(&body, static_cast<int>(param_formats.size()));
  for (int f : param_formats) {
    AppendInt16(&body, f);
  }
  AppendInt16(&body, static_cast<int>(params.size()));
  for (const auto& p : params) {
    if (p) {
      AppendInt32(&body, static_cast<int64_t>(p->size()));
      body.append(*p);
    } else {
      AppendInt32(&body, -1);
    }
  }
  AppendInt16(&body, static_cast<int>(result_formats.size()));
  for (int f : result_formats) {
    AppendInt16(&body, f);
  }
  return Typed('B', body);
}

inline std::string TargetedBytes(char type, char kind, std::string_view name) {
  std::string body(1, kind);
  AppendCString(&body, name);
  return Typed(type, body);
}

inline std::string ExecuteBytes(std::string_view portal, int32_t max_rows) {
  std::string body;
  AppendCString(&body, portal);
  AppendInt32(&body, max_rows);
  return Typed('E', body);
}

}  // namespace blockdb::pgwire::testing
