// HttpServer: the HTTP/1.1 sidecar of a node (health, readiness, metrics, status; protocol in
// docs/protocol/http.md, routing in server/http/router.h).
//
// One thread runs one event loop serving every connection. Each connection has a read deadline
// per request (a client that sends slowly is cut off at the deadline and never delays others), is
// kept alive between requests when the client asks for it, and is closed after a malformed or
// oversized request (answered 400). Connections beyond max_connections are answered 503 and
// closed.
//
// Boost.Beast and Asio stay in http_server.cc: this header is included by the Node, and the
// networking headers cost seconds of compile time in every file that sees them.
//
// Thread safety: Start() and Stop() are called from one thread (the Node's); port() from any.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "server/http/router.h"

namespace blockdb {

class MetricsRegistry;

struct HttpServerOptions {
  std::string host = "127.0.0.1";  // an IP address or a name resolved at Start
  uint16_t port = 0;               // 0: an ephemeral port chosen by the kernel (see port())
  uint32_t max_connections = 64;   // open connections served at once
  // Time allowed to receive one complete request (headers and body), counted from the start of
  // the read; also the idle limit of a kept-alive connection between requests.
  std::chrono::milliseconds read_timeout{10'000};
  // Time allowed to send one response.
  std::chrono::milliseconds write_timeout{10'000};
  size_t max_header_bytes = 8 * 1024;  // request line and header fields
  size_t max_body_bytes = 64 * 1024;   // the endpoints take no body; a small one is tolerated
};

class HttpServer {
 public:
  // `metrics` (not owned, may be null, must outlive the server) receives the server's own
  // request and connection metrics.
  HttpServer(HttpServerOptions options, HttpRouter router, MetricsRegistry* metrics);
  // Stops the server if it runs.
  ~HttpServer();

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens on host:port, then serves on a new thread. Logs
  // "http listening on <address>:<port>" on the "http" logger. IOError naming the address when
  // the host does not resolve or the port cannot be bound. REQUIRES: not started.
  Status Start();

  // Stops accepting, closes every connection (requests in progress are dropped) and joins the
  // thread. Idempotent; no-op if never started.
  void Stop();

  // The bound port while running (the kernel's choice when options.port was 0), else 0.
  uint16_t port() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace blockdb
