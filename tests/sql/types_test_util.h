// Helpers for the sql/types tests: types and values from the spellings PostgreSQL prints, and the
// outcome of an operation as the text psql would show ("ERROR <sqlstate>" for errors).
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "sql/types/type.h"
#include "sql/types/value.h"

namespace blockdb::sql::testing {

// "integer", "numeric(5,2)", "character varying(3)", "unknown" (a quoted literal's type).
inline Type TypeOf(std::string_view spec) {
  if (spec == "unknown") {
    return Type::Of(TypeId::kUnknown);
  }
  std::vector<int64_t> mods;
  std::string_view name = spec;
  if (const size_t open = spec.find('('); open != std::string_view::npos) {
    name = spec.substr(0, open);
    std::string_view args = spec.substr(open + 1, spec.size() - open - 2);
    while (!args.empty()) {
      const size_t comma = args.find(',');
      mods.push_back(std::stoll(std::string(args.substr(0, comma))));
      args = comma == std::string_view::npos ? std::string_view() : args.substr(comma + 1);
    }
  }
  Result<Type> t = TypeFromName(name, mods);
  REQUIRE_MESSAGE(t.ok(), (t.status().ToString()));
  return *t;
}

// The value of `text` read by the input function of `spec` (a literal for "unknown").
inline Value ValueOf(std::string_view spec, std::string_view text) {
  const Type type = TypeOf(spec);
  if (type.id() == TypeId::kUnknown) {
    return Value::Unknown(std::string(text));
  }
  Result<Value> v = ParseValue(text, type);
  const std::string what = std::string(spec) + " '" + std::string(text) + "': ";
  REQUIRE_MESSAGE(v.ok(), (what + v.status().ToString()));
  return *v;
}

// What psql prints: the text, "" for NULL, or "ERROR <sqlstate>".
inline std::string Outcome(const Result<Value>& r) {
  if (!r.ok()) {
    return "ERROR " + r.status().sqlstate();
  }
  return r->is_null() ? std::string() : FormatValue(*r);
}

}  // namespace blockdb::sql::testing
