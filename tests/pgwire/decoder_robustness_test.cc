// FrontendDecoder under 10^5 random and mutated byte streams (seeded, reproducible): it must
// never crash or read out of bounds (run under the ASan build), must fail only with 08P01 or
// 0A000, and must give the same result however the stream is split into Feed() calls (except
// for the SSLRequest rule noted below).
// The libFuzzer target tests/fuzz/pgwire_decoder_fuzz.cc explores the same space by coverage.
#include <doctest/doctest.h>

#include <random>

#include "pgwire/codec.h"
#include "pgwire/frontend_builder.h"

namespace blockdb::pgwire {
namespace {

using namespace testing;  // NOLINT: test helpers

constexpr int kIterations = 100000;
constexpr uint32_t kSeed = 20240229;

// Valid streams the mutations start from.
std::vector<std::string> Seeds() {
  const std::string startup = StartupBytes({{"user", "u"}, {"database", "d"}});
  std::string sasl_init;
  AppendCString(&sasl_init, "SCRAM-SHA-256");
  AppendInt32(&sasl_init, 8);
  sasl_init += "n,,n=,r=";
  std::string cancel;
  AppendInt32(&cancel, 1);
  AppendInt32(&cancel, 2);
  return {
      startup + QueryBytes("select 1") + Typed('X', ""),
      Untyped(kSslRequestCode, ""),
      Untyped(kGssEncRequestCode, ""),
      Untyped(kCancelRequestCode, cancel),
      startup + ParseBytes("s", "select $1", {23}) +
          BindBytes("p", "s", {1}, {std::string("\0\0\0\1", 4)}, {1}) +
          TargetedBytes('D', 'P', "p") + ExecuteBytes("p", 10) + TargetedBytes('C', 'S', "s") +
          Typed('S', "") + Typed('H', ""),
      startup + Typed('p', sasl_init) + Typed('p', "c=biws,r=x,p=y"),
      startup + Typed('p', std::string("pw\0", 3)),
      startup + Typed('d', "1\t2\n") + Typed('c', "") + Typed('f', std::string("no\0", 3)),
      startup + BindBytes("", "", {}, {std::nullopt, std::string("x")}, {0, 1}),
  };
}

// Authentication expectation as a function of how many messages have been decoded, so that
// every way of splitting the stream sees the same schedule.
AuthExpectation ScheduleFor(uint32_t schedule, size_t decoded) {
  return static_cast<AuthExpectation>((schedule >> (2 * (decoded % 16))) & 3);
}

struct Outcome {
  std::vector<size_t> message_kinds;  // variant index of each decoded message
  std::string error_sqlstate;         // "" when no error
  std::string error_message;
  bool operator==(const Outcome&) const = default;
};

// Decodes `stream` fed in pieces whose sizes come from `rng` (or all at once if rng is null).
Outcome Run(const std::string& stream, const DecoderLimits& limits, uint32_t schedule,
            std::mt19937* rng) {
  FrontendDecoder d(limits);
  Outcome out;
  size_t pos = 0;
  while (true) {
    size_t n = stream.size() - pos;
    if (rng != nullptr && n > 0) {
      n = std::min<size_t>(n, 1 + (*rng)() % 16);
    }
    d.Feed(std::string_view(stream).substr(pos, n));
    pos += n;
    while (true) {
      d.ExpectAuthResponse(ScheduleFor(schedule, out.message_kinds.size()));
      auto r = d.Next();
      if (!r.ok()) {
        out.error_sqlstate = r.status().sqlstate();
        out.error_message = r.status().message();
        return out;
      }
      if (!r->has_value()) {
        break;
      }
      out.message_kinds.push_back((*r)->index());
    }
    if (pos == stream.size()) {
      return out;
    }
  }
}

void PutLengthAt(std::string* s, size_t at, uint32_t v) {
  for (int i = 0; i < 4 && at + i < s->size(); ++i) {
    (*s)[at + i] = static_cast<char>(v >> (24 - 8 * i));
  }
}

std::string Mutate(std::string s, std::mt19937* rng) {
  std::uniform_int_distribution<int> op_dist(0, 6);
  const int mutations = (*rng)() % 4 == 0 ? 2 + (*rng)() % 3 : 1;
  for (int m = 0; m < mutations; ++m) {
    const size_t at = s.empty() ? 0 : (*rng)() % s.size();
    switch (op_dist(*rng)) {
      case 0:  // flip a byte
        if (!s.empty()) {
          s[at] = static_cast<char>(s[at] ^ (1 + (*rng)() % 255));
        }
        break;
      case 1:  // insert random bytes
        for (int k = (*rng)() % 8; k > 0; --k) {
          s.insert(s.begin() + static_cast<ptrdiff_t>(at), static_cast<char>((*rng)()));
        }
        break;
      case 2:  // delete a range
        s.erase(at, (*rng)() % 8);
        break;
      case 3: {  // write a boundary value where a length or count may be
        static constexpr uint32_t kValues[] = {
            0, 1, 3, 4, 5, 0x7fffffff, 0x80000000, 0xffffffff, 0x0000ffff, 10000, 10001, 65535};
        PutLengthAt(&s, at, kValues[(*rng)() % std::size(kValues)]);
        break;
      }
      case 4:  // truncate
        s.resize(at);
        break;
      case 5:  // duplicate a chunk
        s.insert(at, s.substr(at, (*rng)() % 32));
        break;
      default:  // replace a byte with a message type character
        if (!s.empty()) {
          static constexpr char kTypes[] = "QPBDECSHXdcfpFZ\0";
          s[at] = kTypes[(*rng)() % (sizeof(kTypes) - 1)];
        }
        break;
    }
  }
  return s;
}

TEST_CASE("pgwire decoder robustness: 10^5 random and mutated streams") {
  const std::vector<std::string> seeds = Seeds();
  std::mt19937 rng(kSeed);
  DecoderLimits small;
  small.max_startup_packet_size = 64;
  small.max_message_size = 128;
  small.max_small_message_size = 32;
  small.max_auth_message_size = 48;
  size_t decoded = 0;
  size_t failed = 0;
  for (int i = 0; i < kIterations; ++i) {
    std::string stream;
    if (i % 10 == 0) {
      stream.resize(rng() % 64);
      for (char& c : stream) {
        c = static_cast<char>(rng());
      }
    } else {
      stream = Mutate(seeds[rng() % seeds.size()], &rng);
    }
    const DecoderLimits limits = i % 3 == 0 ? small : DecoderLimits{};
    const uint32_t schedule = i % 4 == 0 ? static_cast<uint32_t>(rng()) : 0;
    const Outcome whole = Run(stream, limits, schedule, nullptr);
    std::mt19937 split_rng(static_cast<uint32_t>(i));
    const Outcome pieces = Run(stream, limits, schedule, &split_rng);
    for (const Outcome* o : {&whole, &pieces}) {
      if (!(o->error_sqlstate.empty() || o->error_sqlstate == "08P01" ||
            o->error_sqlstate == "0A000")) {
        FAIL("iteration " << i << ": unexpected SQLSTATE " << o->error_sqlstate);
      }
    }
    // The one split-dependent rule, by design: bytes already received behind an SSLRequest are
    // rejected (CVE-2021-23214), which depends on whether they came in the same read.
    const bool ssl_tail = whole.error_message.find("unencrypted data") != std::string::npos;
    if (!ssl_tail && !(whole == pieces)) {
      FAIL("iteration " << i << ": result depends on how the stream was split: "
                        << whole.message_kinds.size() << " " << whole.error_message << " vs "
                        << pieces.message_kinds.size() << " " << pieces.error_message);
    }
    decoded += whole.message_kinds.size();
    failed += whole.error_sqlstate.empty() ? 0 : 1;
  }
  // The mutations must exercise both outcomes substantially.
  MESSAGE("decoded " << decoded << " messages, " << failed << " streams failed");
  CHECK(decoded > kIterations / 2);
  CHECK(failed > kIterations / 4);
  CHECK(failed < kIterations);
}

}  // namespace
}  // namespace blockdb::pgwire
