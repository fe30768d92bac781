#include "engine/write_batch.h"

#include <doctest/doctest.h>

#include <string>

namespace blockdb {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) {
    out.push_back(static_cast<char>(b));
  }
  return out;
}

TEST_CASE("write_batch: golden bytes match docs/format/write_batch.md") {
  WriteBatch batch;
  batch.set_txn_id(7);
  batch.set_timestamp_micros(1700000000000000);
  batch.Insert("k1", "v1");
  batch.Insert("k2", "");
  std::string encoded;
  EncodeWriteBatch(batch, &encoded);
  CHECK(encoded == Bytes({0x01, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                          0x40, 0x1e, 0x18, 0x24, 0x0a, 0x06, 0x00, 0x02, 0x02, 0x6b,
                          0x31, 0x02, 0x76, 0x31, 0x02, 0x6b, 0x32, 0x00}));

  std::string seal;
  EncodeSeal(1700000000000000, &seal);
  CHECK(seal == Bytes({0x01, 0x00, 0x40, 0x1e, 0x18, 0x24, 0x0a, 0x06, 0x00}));
}

TEST_CASE("write_batch: golden bytes of a batch with row-id placeholders (version 2)") {
  WriteBatch batch;
  batch.set_txn_id(7);
  batch.set_timestamp_micros(1700000000000000);
  const std::string placeholder(kRowIdSize, '\0');
  batch.Insert("k", "v");
  batch.InsertWithRowId("r" + placeholder, "", {0, 1, kNoRowIdSlot});
  batch.InsertWithRowId("u", placeholder, {1, kNoRowIdSlot, 0});
  std::string encoded;
  EncodeWriteBatch(batch, &encoded);
  std::string zeros(kRowIdSize, '\0');
  CHECK(encoded == Bytes({0x02, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                          0x00, 0x40, 0x1e, 0x18, 0x24, 0x0a, 0x06, 0x00, 0x03,  //
                          0x01, 0x6b, 0x01, 0x76, 0x00,  // "k" -> "v", no slot
                          0x0a, 0x72}) +
                       zeros + Bytes({0x00, 0x01, 0x02, 0x00}) +  // ordinal 0, key offset 1
                       Bytes({0x01, 0x75, 0x09}) + zeros +
                       Bytes({0x02, 0x00, 0x01}));  // ordinal 1, value offset 0

  WriteBatch decoded;
  REQUIRE(DecodeWriteBatch(encoded, &decoded).ok());
  REQUIRE(decoded.Count() == 3);
  CHECK(decoded.has_row_ids());
  CHECK_FALSE(decoded.entries()[0].has_row_id);
  CHECK(decoded.entries()[1].slot.ordinal == 0);
  CHECK(decoded.entries()[1].slot.key_offset == 1);
  CHECK(decoded.entries()[1].slot.value_offset == kNoRowIdSlot);
  CHECK(decoded.entries()[2].slot.ordinal == 1);
  CHECK(decoded.entries()[2].slot.key_offset == kNoRowIdSlot);
  CHECK(decoded.entries()[2].slot.value_offset == 0);
  for (size_t len = 0; len < encoded.size(); ++len) {
    CHECK(DecodeWriteBatch(std::string_view(encoded).substr(0, len), &decoded).IsCorruption());
  }

  // Log index 5: ids 5 << 24 and (5 << 24) | 1, as ascending BIGINT key columns.
  REQUIRE(decoded.CheckRowIdSlots().ok());
  REQUIRE(DecodeWriteBatch(encoded, &decoded).ok());
  decoded.AssignRowIds(5);
  CHECK(decoded.entries()[0].key == "k");
  CHECK(decoded.entries()[1].key ==
        "r" + Bytes({0x20, 0x80, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00}));
  CHECK(decoded.entries()[2].value ==
        Bytes({0x20, 0x80, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x01}));
}

TEST_CASE("write_batch: round trip with binary keys, negative timestamp, empty batch") {
  WriteBatch batch;
  batch.set_txn_id(~0ULL);
  batch.set_timestamp_micros(-5);
  batch.Insert(std::string("\0\xff", 2), std::string(300, 'x'));
  batch.Insert("", "empty key");
  std::string encoded;
  EncodeWriteBatch(batch, &encoded);
  WriteBatch decoded;
  decoded.Insert("stale", "entry");
  REQUIRE(DecodeWriteBatch(encoded, &decoded).ok());
  CHECK(decoded.txn_id() == ~0ULL);
  CHECK(decoded.timestamp_micros() == -5);
  REQUIRE(decoded.Count() == 2);
  CHECK(decoded.entries()[0].key == std::string("\0\xff", 2));
  CHECK(decoded.entries()[0].value == std::string(300, 'x'));
  CHECK(decoded.entries()[1].key.empty());
  CHECK(decoded.ByteSize() == batch.ByteSize());

  WriteBatch empty;
  encoded.clear();
  EncodeWriteBatch(empty, &encoded);
  REQUIRE(DecodeWriteBatch(encoded, &decoded).ok());
  CHECK(decoded.Count() == 0);

  int64_t ts = 0;
  encoded.clear();
  EncodeSeal(-42, &encoded);
  REQUIRE(DecodeSeal(encoded, &ts).ok());
  CHECK(ts == -42);
}

TEST_CASE("write_batch: every truncation and trailing garbage is Corruption") {
  WriteBatch batch;
  batch.set_txn_id(3);
  batch.Insert("alpha", "one");
  batch.Insert("beta", "two");
  std::string encoded;
  EncodeWriteBatch(batch, &encoded);
  WriteBatch decoded;
  for (size_t len = 0; len < encoded.size(); ++len) {
    Status s = DecodeWriteBatch(std::string_view(encoded).substr(0, len), &decoded);
    CHECK_MESSAGE(s.IsCorruption(), "length ", len);
  }
  CHECK(DecodeWriteBatch(encoded + "x", &decoded).IsCorruption());
  std::string bad_version = encoded;
  bad_version[0] = 3;
  CHECK(DecodeWriteBatch(bad_version, &decoded).IsCorruption());
  // A huge count must be rejected before any allocation.
  std::string huge = encoded.substr(0, 17) + Bytes({0xff, 0xff, 0xff, 0xff, 0x0f});
  CHECK(DecodeWriteBatch(huge, &decoded).IsCorruption());
  int64_t ts = 0;
  CHECK(DecodeSeal("\x01\x02", &ts).IsCorruption());
}

}  // namespace
}  // namespace blockdb
