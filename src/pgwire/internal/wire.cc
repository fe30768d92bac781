#include "pgwire/internal/wire.h"

#include <limits>

#include "common/check.h"

namespace blockdb::pgwire::internal {

void PutUint8(std::string* out, uint8_t v) { out->push_back(static_cast<char>(v)); }

void PutInt16(std::string* out, int16_t v) {
  const auto u = static_cast<uint16_t>(v);
  const char buf[2] = {static_cast<char>(u >> 8), static_cast<char>(u)};
  out->append(buf, sizeof(buf));
}

void PutInt32(std::string* out, int32_t v) {
  char buf[4];
  StoreUint32(buf, static_cast<uint32_t>(v));
  out->append(buf, sizeof(buf));
}

void PutInt64(std::string* out, int64_t v) {
  const auto u = static_cast<uint64_t>(v);
  char buf[8];
  StoreUint32(buf, static_cast<uint32_t>(u >> 32));
  StoreUint32(buf + 4, static_cast<uint32_t>(u));
  out->append(buf, sizeof(buf));
}

void PutCString(std::string* out, std::string_view s) {
  const size_t nul = s.find('\0');
  out->append(s.substr(0, nul));
  out->push_back('\0');
}

uint16_t LoadUint16(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>((b[0] << 8) | b[1]);
}

uint32_t LoadUint32(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
}

uint64_t LoadUint64(const char* p) {
  return (uint64_t{LoadUint32(p)} << 32) | uint64_t{LoadUint32(p + 4)};
}

void StoreUint32(char* p, uint32_t v) {
  p[0] = static_cast<char>(v >> 24);
  p[1] = static_cast<char>(v >> 16);
  p[2] = static_cast<char>(v >> 8);
  p[3] = static_cast<char>(v);
}

bool WireReader::ReadUint8(uint8_t* v) {
  if (data_.empty()) {
    return false;
  }
  *v = static_cast<uint8_t>(data_[0]);
  data_.remove_prefix(1);
  return true;
}

bool WireReader::ReadInt16(int16_t* v) {
  uint16_t u;
  if (!ReadUint16(&u)) {
    return false;
  }
  *v = static_cast<int16_t>(u);
  return true;
}

bool WireReader::ReadUint16(uint16_t* v) {
  if (data_.size() < 2) {
    return false;
  }
  *v = LoadUint16(data_.data());
  data_.remove_prefix(2);
  return true;
}

bool WireReader::ReadInt32(int32_t* v) {
  if (data_.size() < 4) {
    return false;
  }
  *v = static_cast<int32_t>(LoadUint32(data_.data()));
  data_.remove_prefix(4);
  return true;
}

bool WireReader::ReadInt64(int64_t* v) {
  if (data_.size() < 8) {
    return false;
  }
  *v = static_cast<int64_t>(LoadUint64(data_.data()));
  data_.remove_prefix(8);
  return true;
}

bool WireReader::ReadCString(std::string_view* v) {
  const size_t nul = data_.find('\0');
  if (nul == std::string_view::npos) {
    return false;
  }
  *v = data_.substr(0, nul);
  data_.remove_prefix(nul + 1);
  return true;
}

bool WireReader::ReadBytes(size_t n, std::string_view* v) {
  if (data_.size() < n) {
    return false;
  }
  *v = data_.substr(0, n);
  data_.remove_prefix(n);
  return true;
}

MessageBuilder::MessageBuilder(std::string* out, char type) : out_(out) {
  out_->push_back(type);
  length_offset_ = out_->size();
  out_->append(4, '\0');
}

void MessageBuilder::Finish() {
  const size_t length = out_->size() - length_offset_;
  // Backend messages are built from BlockDB's own results; the server bounds result sizes far
  // below 2 GiB, so exceeding the int32 length field is a bug, not an input error.
  BLOCKDB_CHECK(length <= static_cast<size_t>(std::numeric_limits<int32_t>::max()));
  StoreUint32(out_->data() + length_offset_, static_cast<uint32_t>(length));
}

}  // namespace blockdb::pgwire::internal
