// Big-endian ("network order") reading and writing, the byte order of every PostgreSQL protocol
// field and of every binary-format value. Private to the pgwire module.
//
// WireReader never reads past the view it was given: every Read* checks the remaining length
// first and returns false on truncation, leaving the reader's position unspecified.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace blockdb::pgwire::internal {

void PutUint8(std::string* out, uint8_t v);
void PutInt16(std::string* out, int16_t v);
void PutInt32(std::string* out, int32_t v);
void PutInt64(std::string* out, int64_t v);
// Appends the bytes of `s` up to (not including) its first NUL, then a NUL terminator. Protocol
// strings are C strings: a NUL inside a value (which could come from user data quoted in an
// error message) would otherwise end the field early and desynchronise the client's parser.
void PutCString(std::string* out, std::string_view s);

uint16_t LoadUint16(const char* p);
uint32_t LoadUint32(const char* p);
uint64_t LoadUint64(const char* p);
void StoreUint32(char* p, uint32_t v);

class WireReader {
 public:
  explicit WireReader(std::string_view data) : data_(data) {}

  bool ReadUint8(uint8_t* v);
  bool ReadInt16(int16_t* v);
  bool ReadUint16(uint16_t* v);
  bool ReadInt32(int32_t* v);
  bool ReadInt64(int64_t* v);
  // A NUL-terminated string; *v excludes the NUL. False when no NUL remains.
  bool ReadCString(std::string_view* v);
  // Exactly n bytes.
  bool ReadBytes(size_t n, std::string_view* v);

  size_t remaining() const { return data_.size(); }
  bool empty() const { return data_.empty(); }
  std::string_view rest() const { return data_; }

 private:
  std::string_view data_;
};

// Builds one typed backend message in place at the end of `out`: the type byte and a length
// placeholder are appended on construction, the length (which counts itself but not the type
// byte) is patched by Finish(). Finish() must be called exactly once, before `out` is used.
class MessageBuilder {
 public:
  MessageBuilder(std::string* out, char type);
  MessageBuilder(const MessageBuilder&) = delete;
  MessageBuilder& operator=(const MessageBuilder&) = delete;

  std::string* out() { return out_; }
  void Finish();

 private:
  std::string* out_;
  size_t length_offset_;
};

}  // namespace blockdb::pgwire::internal
