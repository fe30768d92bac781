// Status and Result<T>: how BlockDB reports expected failures.
//
// Every operation that can fail for a reason outside the program's control (I/O, corrupt input,
// a key that already exists, bad SQL) returns a Status or a Result<T>. Bugs are not reported this
// way: a broken invariant aborts through BLOCKDB_CHECK (see check.h).
//
// A Status is cheap when OK (one byte plus an empty string) and carries a code, a message and,
// for errors that reach a PostgreSQL client, an optional five-character SQLSTATE.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace blockdb {

enum class StatusCode : unsigned char {
  kOk = 0,
  kNotFound,
  kCorruption,
  kIOError,
  kInvalidArgument,
  kDuplicateKey,
  kNotSupported,
  kBusy,
  kAborted,
  kOutOfRange,
  kShutdown,
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK

  static Status OK() { return Status(); }
  static Status NotFound(std::string msg) { return Status(StatusCode::kNotFound, std::move(msg)); }
  static Status Corruption(std::string msg) {
    return Status(StatusCode::kCorruption, std::move(msg));
  }
  static Status IOError(std::string msg) { return Status(StatusCode::kIOError, std::move(msg)); }
  static Status InvalidArgument(std::string msg) {
    return Status(StatusCode::kInvalidArgument, std::move(msg));
  }
  static Status DuplicateKey(std::string msg) {
    return Status(StatusCode::kDuplicateKey, std::move(msg));
  }
  static Status NotSupported(std::string msg) {
    return Status(StatusCode::kNotSupported, std::move(msg));
  }
  static Status Busy(std::string msg) { return Status(StatusCode::kBusy, std::move(msg)); }
  static Status Aborted(std::string msg) { return Status(StatusCode::kAborted, std::move(msg)); }
  static Status OutOfRange(std::string msg) {
    return Status(StatusCode::kOutOfRange, std::move(msg));
  }
  static Status Shutdown(std::string msg) { return Status(StatusCode::kShutdown, std::move(msg)); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  bool IsNotFound() const { return code_ == StatusCode::kNotFound; }
  bool IsCorruption() const { return code_ == StatusCode::kCorruption; }
  bool IsIOError() const { return code_ == StatusCode::kIOError; }
  bool IsDuplicateKey() const { return code_ == StatusCode::kDuplicateKey; }
  bool IsInvalidArgument() const { return code_ == StatusCode::kInvalidArgument; }

  // SQLSTATE for errors that reach a PostgreSQL client ("" when none was set).
  const std::string& sqlstate() const { return sqlstate_; }
  Status WithSqlState(std::string sqlstate) && {
    sqlstate_ = std::move(sqlstate);
    return std::move(*this);
  }

  // "Corruption: log-00000001.seg offset 4096: bad checksum".
  std::string ToString() const;

  // Returns a copy with `prefix + ": "` prepended to the message (used to add context such as a
  // file name while passing an error up).
  Status Annotate(std::string_view prefix) const;

 private:
  Status(StatusCode code, std::string msg) : code_(code), message_(std::move(msg)) {}

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string sqlstate_;
};

std::string_view StatusCodeName(StatusCode code);

// Result<T> holds either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "Result built from an OK Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  Status TakeStatus() { return ok() ? Status::OK() : std::move(std::get<Status>(v_)); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace blockdb

#define BLOCKDB_CONCAT_INNER(a, b) a##b
#define BLOCKDB_CONCAT(a, b) BLOCKDB_CONCAT_INNER(a, b)

// Returns from the enclosing function if `expr` (a Status) is not OK.
#define RETURN_IF_ERROR(expr)                   \
  do {                                          \
    ::blockdb::Status _st = (expr);             \
    if (!_st.ok()) return _st;                  \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, F())` declares x from a Result or returns its Status.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(BLOCKDB_CONCAT(_result_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.TakeStatus();     \
  lhs = std::move(tmp).value()
