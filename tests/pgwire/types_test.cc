// The built-in type table.
#include <doctest/doctest.h>

#include "pgwire/types.h"

namespace blockdb::pgwire {
namespace {

TEST_CASE("types: lookups by OID and name") {
  const TypeInfo* int4 = FindTypeByOid(kInt4Oid);
  REQUIRE(int4 != nullptr);
  CHECK(int4->name == "int4");
  CHECK(int4->typlen == 4);
  CHECK(int4->array_oid == kInt4ArrayOid);
  const TypeInfo* arr = FindTypeByName("_int4");
  REQUIRE(arr != nullptr);
  CHECK(arr->oid == 1007);
  CHECK(arr->element_oid == kInt4Oid);
  CHECK(arr->typlen == -1);
  CHECK(FindTypeByName("_text")->oid == 1009);
  CHECK(FindTypeByOid(kTimestamptzOid)->name == "timestamptz");
  CHECK(FindTypeByOid(kNameOid)->typlen == 64);
  CHECK(FindTypeByOid(kUuidOid)->typlen == 16);
  CHECK(FindTypeByOid(kIntervalOid)->typlen == 16);
  CHECK(FindTypeByOid(kUnknownOid)->typlen == -2);
  CHECK(FindTypeByOid(12345) == nullptr);
  CHECK(FindTypeByOid(0) == nullptr);
  CHECK(FindTypeByName("int16") == nullptr);
}

TEST_CASE("types: every scalar's array type exists and points back") {
  for (const TypeInfo& t : BuiltinTypes()) {
    CAPTURE(t.name);
    CHECK(FindTypeByOid(t.oid) == &t);
    CHECK(FindTypeByName(t.name) == &t);
    if (t.array_oid != 0) {
      const TypeInfo* a = FindTypeByOid(t.array_oid);
      REQUIRE(a != nullptr);
      CHECK(a->element_oid == t.oid);
      CHECK(a->name.starts_with('_'));
      CHECK(a->name.substr(1) == t.name);
    }
  }
  CHECK(BuiltinTypes().size() == 51);
}

}  // namespace
}  // namespace blockdb::pgwire
