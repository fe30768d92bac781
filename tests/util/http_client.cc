#include "util/http_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace blockdb::testing {
namespace {

using Clock = std::chrono::steady_clock;

Status Errno(std::string_view what) {
  return Status::IOError(std::string(what) + ": " + std::strerror(errno));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// Parses "HTTP/1.1 200 OK\r\nName: value\r\n..." (without the blank line).
Result<HttpReply> ParseHead(std::string_view head) {
  HttpReply reply;
  size_t eol = head.find("\r\n");
  std::string_view status_line = head.substr(0, eol);
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12) {
    return Status::Corruption("bad status line: " + std::string(status_line));
  }
  reply.status = std::atoi(std::string(status_line.substr(9, 3)).c_str());
  while (eol != std::string_view::npos) {
    head.remove_prefix(eol + 2);
    eol = head.find("\r\n");
    std::string_view line = head.substr(0, eol);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return Status::Corruption("bad header line: " + std::string(line));
    }
    reply.headers[Lower(line.substr(0, colon))] = std::string(Trim(line.substr(colon + 1)));
  }
  return reply;
}

}  // namespace

std::string HttpReply::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

Result<std::unique_ptr<HttpConnection>> HttpConnection::Connect(const std::string& address,
                                                                uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return Errno("socket");
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (::inet_pton(AF_INET, address.c_str(), &addr.sin_addr) != 1) {
    ::close(fd);
    return Status::InvalidArgument("not an IPv4 address: " + address);
  }
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    Status s = Errno("connect to " + address + ":" + std::to_string(port));
    ::close(fd);
    return s;
  }
  return std::unique_ptr<HttpConnection>(new HttpConnection(fd));
}

HttpConnection::~HttpConnection() { ::close(fd_); }

Status HttpConnection::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return Errno("send");
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

bool HttpConnection::Fill(Clock::time_point until) {
  auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
  pollfd p{fd_, POLLIN, 0};
  int ready = ::poll(&p, 1, static_cast<int>(std::max<int64_t>(0, remaining.count())));
  if (ready <= 0) {
    return ready == 0 || errno == EINTR;
  }
  char buf[16384];
  ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
  if (n <= 0) {
    return n < 0 && errno == EINTR;
  }
  buffer_.append(buf, static_cast<size_t>(n));
  return true;
}

Result<HttpReply> HttpConnection::ReadReply(std::chrono::milliseconds timeout, bool head) {
  const Clock::time_point until = Clock::now() + timeout;
  size_t head_end;
  while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (Clock::now() >= until) {
      return Status::Aborted("no response within the timeout");
    }
    if (!Fill(until)) {
      return Status::IOError("connection closed before a complete response");
    }
  }
  ASSIGN_OR_RETURN(HttpReply reply, ParseHead(std::string_view(buffer_).substr(0, head_end)));
  size_t length = head ? 0 : std::strtoull(reply.Header("content-length").c_str(), nullptr, 10);
  size_t body_start = head_end + 4;
  while (buffer_.size() < body_start + length) {
    if (Clock::now() >= until) {
      return Status::Aborted("incomplete body within the timeout");
    }
    if (!Fill(until)) {
      return Status::IOError("connection closed before the end of the body");
    }
  }
  reply.body = buffer_.substr(body_start, length);
  buffer_.erase(0, body_start + length);
  return reply;
}

bool HttpConnection::WaitForClose(std::chrono::milliseconds timeout) {
  const Clock::time_point until = Clock::now() + timeout;
  while (Clock::now() < until) {
    if (!Fill(until)) {
      return true;
    }
  }
  return false;
}

Result<HttpReply> HttpGet(uint16_t port, std::string_view target, std::chrono::milliseconds timeout,
                          const std::vector<std::string>& extra_headers,
                          const std::string& address) {
  ASSIGN_OR_RETURN(std::unique_ptr<HttpConnection> connection,
                   HttpConnection::Connect(address, port));
  std::string request =
      "GET " + std::string(target) + " HTTP/1.1\r\nHost: " + address + "\r\nConnection: close\r\n";
  for (const std::string& header : extra_headers) {
    request += header + "\r\n";
  }
  request += "\r\n";
  RETURN_IF_ERROR(connection->Send(request));
  return connection->ReadReply(timeout);
}

}  // namespace blockdb::testing
