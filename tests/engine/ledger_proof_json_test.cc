// Proof JSON (engine/ledger/proof_json.h): golden output, round trips and a strict reader.
#include "engine/ledger/proof_json.h"

#include <doctest/doctest.h>

#include <string>

#include "ledger_test_util.h"

namespace blockdb::ledger {
namespace {

using testing::H;

// Leaf 5 of the RFC 6962 reference tree (data 40414243) in the tree of 8 leaves.
const char* const kInclusionJson =
    "{\"type\":\"inclusion\",\"leaf_index\":5,\"tree_size\":8,"
    "\"leaf_hash\":\"4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658\","
    "\"root_hash\":\"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328\","
    "\"path\":[\"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b\","
    "\"ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0\","
    "\"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7\"]}";

const char* const kConsistencyJson =
    "{\"type\":\"consistency\",\"old_size\":6,\"new_size\":8,"
    "\"old_root\":\"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef\","
    "\"new_root\":\"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328\","
    "\"path\":[\"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a\","
    "\"ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0\","
    "\"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7\"]}";

InclusionProof ReferenceInclusion() {
  InclusionProof proof;
  proof.leaf_index = 5;
  proof.tree_size = 8;
  proof.leaf_hash = H("4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658");
  proof.root_hash = H("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
  proof.path = {H("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
                H("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
                H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")};
  return proof;
}

ConsistencyProof ReferenceConsistency() {
  ConsistencyProof proof;
  proof.old_size = 6;
  proof.new_size = 8;
  proof.old_root = H("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef");
  proof.new_root = H("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
  proof.path = {H("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
                H("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
                H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")};
  return proof;
}

TEST_CASE("ledger proof json: golden output and round trip") {
  const InclusionProof inclusion = ReferenceInclusion();
  CHECK(VerifyProof(inclusion).ok());
  CHECK(ProofToJson(inclusion) == kInclusionJson);
  AnyProof parsed = ParseProofJson(kInclusionJson).value();
  CHECK(std::get<InclusionProof>(parsed) == inclusion);

  const ConsistencyProof consistency = ReferenceConsistency();
  CHECK(VerifyProof(consistency).ok());
  CHECK(ProofToJson(consistency) == kConsistencyJson);
  parsed = ParseProofJson(kConsistencyJson).value();
  CHECK(std::get<ConsistencyProof>(parsed) == consistency);

  ConsistencyProof empty_path;
  empty_path.old_size = 3;
  empty_path.new_size = 3;
  const std::string json = ProofToJson(empty_path);
  CHECK(json.find("\"path\":[]}") != std::string::npos);
  CHECK(std::get<ConsistencyProof>(ParseProofJson(json).value()) == empty_path);
}

TEST_CASE("ledger proof json: whitespace, member order, leaf data and upper-case hex") {
  const std::string json =
      " {\n  \"path\" : [ \"BC1A0643B12E4D2D7C77918F44E0F4F79A838B6CF9EC5B5C283E1F4D88599E6B\" ,\n"
      "  \"ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0\",\r\n"
      "\t\"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7\" ],\n"
      "  \"root_hash\": \"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328\",\n"
      "  \"leaf_data\": \"40414243\", \"tree_size\": 8, \"leaf_index\": 5,\n"
      "  \"type\": \"inclusion\" }\n";
  Result<AnyProof> parsed = ParseProofJson(json);
  REQUIRE(parsed.ok());
  CHECK(std::get<InclusionProof>(*parsed) == ReferenceInclusion());
}

TEST_CASE("ledger proof json: the reader is strict") {
  const std::string hash(64, 'a');
  auto inclusion = [&](const std::string& extra_members) {
    return "{\"type\":\"inclusion\",\"leaf_index\":1,\"tree_size\":2,\"root_hash\":\"" + hash +
           "\",\"path\":[]" + extra_members + "}";
  };
  CHECK(ParseProofJson(inclusion(",\"leaf_hash\":\"" + hash + "\"")).ok());
  const std::vector<std::string> bad = {
      "",
      "[]",
      "{}",
      "{\"type\":\"inclusion\"}",
      "{\"type\":\"other\"}",
      inclusion(""),                                                                // no leaf
      inclusion(",\"leaf_hash\":\"" + hash + "\",\"leaf_data\":\"00\""),            // both
      inclusion(",\"leaf_hash\":\"" + hash + "\",\"leaf_hash\":\"" + hash + "\""),  // twice
      inclusion(",\"leaf_hash\":\"" + hash + "\",\"old_size\":1"),     // member of the other type
      inclusion(",\"leaf_hash\":\"" + hash + "\",\"comment\":\"x\""),  // unknown member
      inclusion(",\"leaf_hash\":\"" + hash.substr(2) + "\""),          // short hash
      inclusion(",\"leaf_hash\":\"" + hash + "00\""),                  // long hash
      inclusion(",\"leaf_hash\":\"" + std::string(64, 'g') + "\""),    // not hex
      inclusion(",\"leaf_data\":\"abc\""),                             // odd hex
      inclusion(",\"leaf_hash\":\"a\\u0061\""),                        // escapes
      inclusion(",\"leaf_hash\":\"" + hash + "\"") + "x",              // trailing bytes
      inclusion(",\"leaf_hash\":\"" + hash + "\",\"x\":null"),         // other value types
      inclusion(",\"leaf_hash\":\"" + hash + "\",\"x\":true"),
      inclusion(",\"leaf_hash\":\"" + hash + "\",\"x\":{}"),
      inclusion(",\"leaf_hash\":\"" + hash + "\","),  // trailing comma
      "{\"type\":\"inclusion\",\"leaf_index\":01,\"tree_size\":2}",
      "{\"type\":\"inclusion\",\"leaf_index\":-1,\"tree_size\":2}",
      "{\"type\":\"inclusion\",\"leaf_index\":1.0,\"tree_size\":2}",
      "{\"type\":\"inclusion\",\"leaf_index\":1e3,\"tree_size\":2}",
      "{\"type\":\"inclusion\",\"leaf_index\":18446744073709551616,\"tree_size\":2}",
      "{\"type\":\"inclusion\",\"leaf_index\":\"1\",\"tree_size\":2}",
      "{\"type\":\"consistency\",\"old_size\":1,\"new_size\":2,\"old_root\":\"" + hash +
          "\",\"new_root\":\"" + hash + "\",\"path\":[1]}",
      "{\"type\":\"consistency\",\"old_size\":1,\"new_size\":2,\"old_root\":\"" + hash +
          "\",\"new_root\":\"" + hash + "\",\"path\":\"\"}",
      "{\"type\":\"consistency\",\"old_size\":1,\"new_size\":2,\"old_root\":\"" + hash +
          "\",\"new_root\":\"" + hash + "\",\"path\":[\"" + hash + "\"",
      "{\"type\":\"inclusion\",\"leaf_index\":1,\"tree_size\":2,\"root_hash\":\"abc",
      std::string("{\"type\":\"inc\x01lusion\"}"),
  };
  for (const std::string& json : bad) {
    CAPTURE(json);
    Result<AnyProof> parsed = ParseProofJson(json);
    CHECK(parsed.status().IsInvalidArgument());
  }
  // The largest 64-bit value is accepted; verification then judges the proof.
  Result<AnyProof> big = ParseProofJson(
      "{\"type\":\"inclusion\",\"leaf_index\":18446744073709551615,\"tree_size\":2,"
      "\"leaf_hash\":\"" +
      hash + "\",\"root_hash\":\"" + hash + "\",\"path\":[]}");
  REQUIRE(big.ok());
  CHECK(VerifyProof(std::get<InclusionProof>(*big)).IsInvalidArgument());
  // Messages say where.
  Result<AnyProof> trailing = ParseProofJson("{\"type\":\"inclusion\"} x");
  CHECK(trailing.status().message().find("offset 21") != std::string::npos);
}

TEST_CASE("ledger proof json: digests") {
  Digest digest;
  digest.tree_size = 85;
  digest.root = H("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
  digest.last_block_index = 10;
  digest.last_block_hash = H("044b8bae2fba92b2f84c46393314d8b424d7f7ed4e72a38a3e60f9e52af0dd08");
  const std::string json = DigestToJson(digest);
  CHECK(
      json ==
      "{\"type\":\"digest\",\"tree_size\":85,"
      "\"root_hash\":\"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328\","
      "\"last_block_index\":10,"
      "\"last_block_hash\":\"044b8bae2fba92b2f84c46393314d8b424d7f7ed4e72a38a3e60f9e52af0dd08\"}");
  CHECK(ParseDigestJson(json).value() == digest);
  CHECK(ParseDigestJson(kInclusionJson).status().IsInvalidArgument());
  CHECK(ParseProofJson(json).status().IsInvalidArgument());
  const std::string no_hash = json.substr(0, json.find(",\"last_block_hash\"")) + "}";
  CHECK(ParseDigestJson(no_hash).status().IsInvalidArgument());
}

}  // namespace
}  // namespace blockdb::ledger
