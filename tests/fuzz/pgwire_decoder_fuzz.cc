// libFuzzer target for pgwire's FrontendDecoder (and, through it, every frontend message body
// parser). Needs clang; g++ has no libFuzzer.
//
// Through CMake (tests/fuzz/CMakeLists.txt, option BLOCKDB_FUZZ):
//   CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DBLOCKDB_FUZZ=ON
//   cmake --build build-fuzz --target pgwire_decoder_fuzz
// By hand, from the repository root:
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
//     tests/fuzz/pgwire_decoder_fuzz.cc src/pgwire/codec.cc src/pgwire/frontend_decode.cc \
//     src/pgwire/internal/wire.cc src/common/status.cc src/common/check.cc \
//     -o pgwire_decoder_fuzz
// Run from a copy of the seed corpus (libFuzzer adds new inputs to the first directory given):
//   cp -r tests/fuzz/corpus/pgwire_decoder /tmp/pgwire_corpus
//   ./pgwire_decoder_fuzz -max_len=4096 -max_total_time=600 /tmp/pgwire_corpus
//
// Input layout: byte 0 picks small or default limits, bytes 1-4 the schedule of authentication
// expectations (2 bits per decoded message), byte 5 the feeding pattern; the rest is the stream.
// Besides sanitizer reports, the target aborts on an error other than 08P01 / 0A000 and on a
// buffer that grows past the bytes fed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "pgwire/codec.h"

namespace {

using blockdb::pgwire::AuthExpectation;
using blockdb::pgwire::DecoderLimits;
using blockdb::pgwire::FrontendDecoder;

constexpr size_t kHeader = 6;

DecoderLimits LimitsFor(uint8_t selector) {
  DecoderLimits limits;
  if (selector & 1) {
    limits.max_startup_packet_size = 64;
    limits.max_message_size = 256;
    limits.max_small_message_size = 32;
    limits.max_auth_message_size = 64;
  }
  return limits;
}

// Drains decoded messages; false once the decoder has failed.
bool Drain(FrontendDecoder* decoder, uint32_t schedule, size_t* decoded) {
  while (true) {
    decoder->ExpectAuthResponse(
        static_cast<AuthExpectation>((schedule >> (2 * (*decoded % 16))) & 3));
    auto r = decoder->Next();
    if (!r.ok()) {
      const std::string& state = r.status().sqlstate();
      if (state != "08P01" && state != "0A000") {
        std::abort();
      }
      return false;
    }
    if (!r->has_value()) {
      return true;
    }
    ++*decoded;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < kHeader) {
    return 0;
  }
  const uint32_t schedule = uint32_t{data[1]} << 24 | uint32_t{data[2]} << 16 |
                            uint32_t{data[3]} << 8 | uint32_t{data[4]};
  const size_t chunk = 1 + data[5] % 64;  // feed in pieces of this size
  std::string_view stream(reinterpret_cast<const char*>(data) + kHeader, size - kHeader);
  FrontendDecoder decoder(LimitsFor(data[0]));
  size_t decoded = 0;
  size_t fed = 0;
  while (fed < stream.size()) {
    const std::string_view piece = stream.substr(fed, chunk);
    decoder.Feed(piece);
    fed += piece.size();
    if (decoder.buffered() > fed) {
      std::abort();
    }
    if (!Drain(&decoder, schedule, &decoded)) {
      break;
    }
  }
  return 0;
}
