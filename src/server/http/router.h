// HttpRouter: what the HTTP sidecar answers, without any networking (docs/protocol/http.md).
//
//   GET /health   200 "ok" while the process serves
//   GET /ready    200 "ready" when the node can commit, else 503 with the reason
//   GET /metrics  200 Prometheus text (admin)
//   GET /status   200 JSON object (admin)
//
// HEAD is accepted wherever GET is (the transport drops the body). Unknown path: 404; another
// method: 405 with "Allow: GET, HEAD"; a target that is not an absolute path: 400.
//
// Admin endpoints (all but /health and /ready): when an admin token is configured, a caller that
// is not on a loopback address must send "Authorization: Bearer <token>", else 401 with
// "WWW-Authenticate: Bearer". Loopback callers are trusted (whoever runs on the host can read the
// data directory anyway).
//
// Thread safety: Handle() is const and may run on any thread; the endpoint callbacks must be safe
// to call from the thread that runs the HTTP server.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace blockdb {

// The parts of a request the router looks at.
struct HttpRequest {
  std::string method;          // "GET"
  std::string target;          // "/status?verbose=1": path and optional query
  std::string authorization;   // value of the Authorization header, "" when absent
  bool from_loopback = false;  // the peer address is 127.0.0.0/8 or ::1
};

struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  // Further header fields (Allow, WWW-Authenticate).
  std::vector<std::pair<std::string, std::string>> headers;
};

// Content-Type of /metrics, as Prometheus expects for the text format 0.0.4.
inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// Where the endpoints get their content. Every callback must be set.
struct HttpEndpoints {
  // OK when the node can commit; otherwise the Status message is the reason shown with 503.
  std::function<Status()> ready;
  // The Prometheus text of every metric.
  std::function<std::string()> metrics_text;
  // One JSON object describing the node.
  std::function<std::string()> status_json;
};

class HttpRouter {
 public:
  // An empty admin_token disables the token rule: every caller may use every endpoint.
  HttpRouter(HttpEndpoints endpoints, std::string admin_token);

  HttpResponse Handle(const HttpRequest& request) const;

  // The path label under which a request is counted in metrics: the endpoint's path, or "other"
  // (so that scanning for random paths cannot create unbounded label values).
  static std::string_view PathLabel(std::string_view target);

 private:
  bool Authorized(const HttpRequest& request) const;

  const HttpEndpoints endpoints_;
  const std::string admin_token_;
};

}  // namespace blockdb
