// RawPgClient: a blocking PostgreSQL client over a plain TCP socket that sends whatever bytes a
// test gives it and reads backend messages one by one, for the server tests that check exact
// messages and SQLSTATEs or misbehave on purpose (garbage, truncated and oversized messages,
// slow drips). Every read has a deadline; nothing sleeps.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pgwire/frontend_builder.h"

namespace blockdb::pgwire::testing {

inline constexpr std::chrono::milliseconds kRawDeadline(10'000);

struct BackendMessage {
  char type = 0;
  std::string body;

  // The fields of an ErrorResponse or NoticeResponse by code ('C' SQLSTATE, 'M' message...).
  std::map<char, std::string> Fields() const {
    std::map<char, std::string> fields;
    size_t pos = 0;
    while (pos < body.size() && body[pos] != '\0') {
      char code = body[pos++];
      size_t end = body.find('\0', pos);
      if (end == std::string::npos) {
        break;
      }
      fields[code] = body.substr(pos, end - pos);
      pos = end + 1;
    }
    return fields;
  }
  std::string SqlState() const { return Fields()['C']; }
};

class RawPgClient {
 public:
  // nullptr when the connection fails.
  static std::unique_ptr<RawPgClient> Connect(uint16_t port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
      return nullptr;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      close(fd);
      return nullptr;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return std::unique_ptr<RawPgClient>(new RawPgClient(fd));
  }

  ~RawPgClient() { close(fd_); }
  RawPgClient(const RawPgClient&) = delete;
  RawPgClient& operator=(const RawPgClient&) = delete;

  // False when the server has closed the connection.
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) {
        return false;
      }
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // One unframed byte (the answer to SSLRequest); nullopt on EOF or timeout.
  std::optional<char> ReadByte(std::chrono::milliseconds timeout = kRawDeadline) {
    if (!Fill(1, Deadline(timeout))) {
      return std::nullopt;
    }
    char c = buffer_[0];
    buffer_.erase(0, 1);
    return c;
  }

  // The next backend message; nullopt on EOF, error or timeout.
  std::optional<BackendMessage> Read(std::chrono::milliseconds timeout = kRawDeadline) {
    auto deadline = Deadline(timeout);
    if (!Fill(5, deadline)) {
      return std::nullopt;
    }
    uint32_t len = (static_cast<uint8_t>(buffer_[1]) << 24) |
                   (static_cast<uint8_t>(buffer_[2]) << 16) |
                   (static_cast<uint8_t>(buffer_[3]) << 8) | static_cast<uint8_t>(buffer_[4]);
    if (len < 4 || !Fill(1 + len, deadline)) {
      return std::nullopt;
    }
    BackendMessage m{buffer_[0], buffer_.substr(5, len - 4)};
    buffer_.erase(0, 1 + len);
    return m;
  }

  // Messages up to and including the first of type `type` (or 'E' when stop_at_error), or
  // everything read before EOF / timeout.
  std::vector<BackendMessage> ReadUntil(char type, bool stop_at_error = false,
                                        std::chrono::milliseconds timeout = kRawDeadline) {
    std::vector<BackendMessage> out;
    auto deadline = Deadline(timeout);
    while (auto m = Read(Remaining(deadline))) {
      out.push_back(*m);
      if (m->type == type || (stop_at_error && m->type == 'E')) {
        break;
      }
    }
    return out;
  }

  // Sends a StartupMessage and reads up to ReadyForQuery or the first error.
  std::vector<BackendMessage> Startup(const std::string& user = "blockdb",
                                      const std::string& database = "blockdb") {
    Send(StartupBytes({{"user", user}, {"database", database}}));
    return ReadUntil('Z', /*stop_at_error=*/true);
  }

  // True once the server has closed the connection (EOF or reset) within the timeout; bytes that
  // arrive first are discarded.
  bool WaitClosed(std::chrono::milliseconds timeout = kRawDeadline) {
    auto deadline = Deadline(timeout);
    for (;;) {
      buffer_.clear();
      int r = PollRead(deadline);
      if (r <= 0) {
        return false;
      }
      char buf[4096];
      ssize_t n = recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) {
        return true;
      }
    }
  }

 private:
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit RawPgClient(int fd) : fd_(fd) {}

  static TimePoint Deadline(std::chrono::milliseconds timeout) {
    return std::chrono::steady_clock::now() + timeout;
  }
  static std::chrono::milliseconds Remaining(TimePoint deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    return std::max(left, std::chrono::milliseconds(0));
  }

  // 1 readable, 0 timeout, -1 error.
  int PollRead(TimePoint deadline) {
    pollfd p{fd_, POLLIN, 0};
    return poll(&p, 1, static_cast<int>(Remaining(deadline).count()));
  }

  bool Fill(size_t n, TimePoint deadline) {
    while (buffer_.size() < n) {
      if (PollRead(deadline) <= 0) {
        return false;
      }
      char buf[16384];
      ssize_t got = recv(fd_, buf, sizeof(buf), 0);
      if (got <= 0) {
        return false;
      }
      buffer_.append(buf, static_cast<size_t>(got));
    }
    return true;
  }

  int fd_;
  std::string buffer_;
};

}  // namespace blockdb::pgwire::testing
