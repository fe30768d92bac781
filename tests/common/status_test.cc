#include "common/status.h"

#include <doctest/doctest.h>

namespace blockdb {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) {
    return Status::InvalidArgument("odd");
  }
  return x / 2;
}

Status Quarter(int x, int* out) {
  ASSIGN_OR_RETURN(int h, Half(x));
  ASSIGN_OR_RETURN(*out, Half(h));
  return Status::OK();
}

TEST_CASE("Status carries code, message and SQLSTATE") {
  Status s = Status::Corruption("log-1 offset 7: bad checksum");
  CHECK_FALSE(s.ok());
  CHECK(s.IsCorruption());
  CHECK(s.ToString() == "Corruption: log-1 offset 7: bad checksum");
  CHECK(Status::OK().ToString() == "OK");
  Status d = Status::DuplicateKey("k").WithSqlState("23505");
  CHECK(d.sqlstate() == "23505");
  CHECK(s.Annotate("open").message() == "open: log-1 offset 7: bad checksum");
}

TEST_CASE("Result and ASSIGN_OR_RETURN propagate errors") {
  int out = 0;
  CHECK(Quarter(8, &out).ok());
  CHECK(out == 2);
  Status s = Quarter(6, &out);
  CHECK(s.IsInvalidArgument());
  CHECK(s.message() == "odd");
  Result<int> r = Half(3);
  CHECK_FALSE(r.ok());
  CHECK(r.status().IsInvalidArgument());
}

}  // namespace
}  // namespace blockdb
