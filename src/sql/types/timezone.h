// Time zones for timestamptz: the session's TimeZone setting and zones named in input and in
// AT TIME ZONE, with PostgreSQL 15's rules.
//
// A zone is either a tz database zone (read from the system's tzdata through the date/tz
// library; see timezone.cc, the only file that includes it) or a fixed offset. Values stay UTC
// microseconds everywhere: a zone only changes how they are read from and shown as local time,
// so nothing stored depends on it. The node's own zone (TZ, /etc/localtime) is never consulted.
//
// Thread safety: TimeZone is an immutable value; the session zone is per thread (see
// ScopedSessionTimeZone).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace blockdb::sql {

class TimeZone {
 public:
  // UTC.
  TimeZone() = default;

  // A zone as PostgreSQL's timezone names are spelled: a tz database name in any case
  // ("Europe/Paris", "america/new_york", "UTC"), or a POSIX-style fixed offset, hours WEST of
  // UTC as POSIX counts them ("+05" is UTC-5, "<+02>-02" is UTC+2, the form SHOW prints for a
  // numeric setting). The name is the canonical one (the tz database's case). 22023
  // `time zone "x" not recognized` (x lowercased, as PostgreSQL prints it) otherwise.
  static Result<TimeZone> FromName(std::string_view name);
  // A zone as timestamptz input and AT TIME ZONE read one: first an abbreviation of
  // PostgreSQL's default set ("PST", "CEST"; a fixed offset, so "CET" is +01 even in summer),
  // else as FromName.
  static Result<TimeZone> ForInput(std::string_view name);
  // A fixed offset east of UTC, named as PostgreSQL names it ("<+02>-02", "<-05:30>+05:30").
  // REQUIRES: |seconds_east| < 24 hours.
  static TimeZone FixedOffset(int64_t seconds_east);

  // The name SHOW TimeZone prints.
  const std::string& name() const { return name_; }

  // Seconds east of UTC in force at the instant utc_micros (microseconds since 2000-01-01 UTC).
  int64_t OffsetAt(int64_t utc_micros) const;
  // The local wall-clock time of a UTC instant (same epoch, microseconds).
  int64_t ToLocal(int64_t utc_micros) const;
  // The UTC instant of a local wall-clock time. A time skipped by a spring-forward transition is
  // read with the offset before it, a repeated one (fall back) with the offset after it, as
  // PostgreSQL does: in both cases the later of the two candidate instants.
  int64_t ToUtc(int64_t local_micros) const;

 private:
  static int64_t ProxyShift(int64_t micros);

  const void* zone_ = nullptr;  // a date::time_zone of the process-wide tz database; null: fixed
  int64_t fixed_seconds_ = 0;   // east of UTC, when zone_ is null
  bool extrapolate_ = false;    // zone_ still changes offset at the files' 2037 horizon
  std::string name_ = "UTC";
};

// "+02", "-05:30", "+00:09:21": the offset suffix of timestamptz output.
std::string FormatUtcOffset(int64_t seconds_east);

// The zone timestamptz values are read and shown in on this thread: the innermost
// ScopedSessionTimeZone's, UTC when none.
const TimeZone& SessionTimeZone();

// Makes `zone` the thread's session zone until destroyed (then the previous one again). The
// zone is held by pointer, so a session updating it in place (SET TimeZone) takes effect at
// once. REQUIRES: `zone` outlives this object; create and destroy on the same thread.
class ScopedSessionTimeZone {
 public:
  explicit ScopedSessionTimeZone(const TimeZone* zone);
  ~ScopedSessionTimeZone();
  ScopedSessionTimeZone(const ScopedSessionTimeZone&) = delete;
  ScopedSessionTimeZone& operator=(const ScopedSessionTimeZone&) = delete;

 private:
  const TimeZone* previous_;
};

}  // namespace blockdb::sql
