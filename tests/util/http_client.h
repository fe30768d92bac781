// A minimal HTTP/1.1 client over a plain TCP socket, for tests of the HTTP sidecar: it sends the
// exact bytes a test gives (including malformed or deliberately slow requests) and reads
// responses with deadlines instead of sleeps. Responses must carry Content-Length (the sidecar
// never uses chunked encoding).
//
// Not thread-safe: one thread drives one connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace blockdb::testing {

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  // The header's value, or "" when absent. `name` in lower case.
  std::string Header(const std::string& name) const;
};

class HttpConnection {
 public:
  // Connects to an IPv4 address ("127.0.0.1") and port. IOError when refused.
  static Result<std::unique_ptr<HttpConnection>> Connect(const std::string& address, uint16_t port);

  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends all of `bytes`. IOError when the peer has closed the connection.
  Status Send(std::string_view bytes);

  // Reads one response: status line, header fields and a Content-Length body (no body when
  // `head`, the reply to a HEAD request). IOError when the connection closes first, Aborted at
  // the timeout.
  Result<HttpReply> ReadReply(std::chrono::milliseconds timeout, bool head = false);

  // True when the peer closes the connection (end of stream or reset) within the timeout; bytes
  // received before that are discarded.
  bool WaitForClose(std::chrono::milliseconds timeout);

  int fd() const { return fd_; }

 private:
  explicit HttpConnection(int fd) : fd_(fd) {}

  // Waits up to `until` for bytes and appends them to buffer_. Returns false at end of stream or
  // on an error, true otherwise (including a timeout with nothing read).
  bool Fill(std::chrono::steady_clock::time_point until);

  int fd_;
  std::string buffer_;
};

// "GET <target> HTTP/1.1" on a new connection to 127.0.0.1:port with "Connection: close" and the
// extra header lines given ("Authorization: Bearer x"); returns the reply.
Result<HttpReply> HttpGet(uint16_t port, std::string_view target, std::chrono::milliseconds timeout,
                          const std::vector<std::string>& extra_headers = {},
                          const std::string& address = "127.0.0.1");

}  // namespace blockdb::testing
