#include "server/http/router.h"

#include <cctype>

#include "common/check.h"

namespace blockdb {
namespace {

constexpr std::string_view kTextContentType = "text/plain; charset=utf-8";
constexpr std::string_view kJsonContentType = "application/json";

enum class Endpoint { kHealth, kReady, kMetrics, kStatus };

struct Route {
  std::string_view path;
  Endpoint endpoint;
  bool admin;
};

constexpr Route kRoutes[] = {
    {"/health", Endpoint::kHealth, false},
    {"/ready", Endpoint::kReady, false},
    {"/metrics", Endpoint::kMetrics, true},
    {"/status", Endpoint::kStatus, true},
};

// The path of an origin-form target: everything before '?'.
std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

const Route* FindRoute(std::string_view path) {
  for (const Route& route : kRoutes) {
    if (route.path == path) {
      return &route;
    }
  }
  return nullptr;
}

HttpResponse Text(int status, std::string body) {
  return HttpResponse{status, std::string(kTextContentType), std::move(body) + "\n", {}};
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Compares in time that depends on the lengths only, not on where the first difference is, so a
// network caller cannot guess the token byte by byte from response times. (A dozen lines; not
// worth OpenSSL's CRYPTO_memcmp and its header here.)
bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) {
    unsigned char other = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(a[i]) ^ other;
  }
  return diff == 0;
}

}  // namespace

HttpRouter::HttpRouter(HttpEndpoints endpoints, std::string admin_token)
    : endpoints_(std::move(endpoints)), admin_token_(std::move(admin_token)) {}

std::string_view HttpRouter::PathLabel(std::string_view target) {
  const Route* route = FindRoute(PathOf(target));
  return route != nullptr ? route->path : "other";
}

bool HttpRouter::Authorized(const HttpRequest& request) const {
  if (admin_token_.empty() || request.from_loopback) {
    return true;
  }
  // "Bearer <token>"; the scheme is case-insensitive (RFC 7235), the token is not.
  constexpr std::string_view kScheme = "Bearer ";
  std::string_view value = request.authorization;
  if (value.size() < kScheme.size() ||
      !EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme)) {
    return false;
  }
  return ConstantTimeEquals(value.substr(kScheme.size()), admin_token_);
}

HttpResponse HttpRouter::Handle(const HttpRequest& request) const {
  if (request.target.empty() || request.target[0] != '/') {
    return Text(400, "bad request target");
  }
  const Route* route = FindRoute(PathOf(request.target));
  if (route == nullptr) {
    return Text(404, "not found");
  }
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse response = Text(405, "method not allowed");
    response.headers.emplace_back("Allow", "GET, HEAD");
    return response;
  }
  if (route->admin && !Authorized(request)) {
    HttpResponse response = Text(401, "admin token required");
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
    return response;
  }
  switch (route->endpoint) {
    case Endpoint::kHealth:
      return Text(200, "ok");
    case Endpoint::kReady: {
      Status ready = endpoints_.ready();
      return ready.ok() ? Text(200, "ready") : Text(503, ready.message());
    }
    case Endpoint::kMetrics:
      return HttpResponse{200, std::string(kPrometheusContentType), endpoints_.metrics_text(), {}};
    case Endpoint::kStatus:
      return HttpResponse{200, std::string(kJsonContentType), endpoints_.status_json() + "\n", {}};
  }
  BLOCKDB_CHECK_MSG(false, "unhandled endpoint");
  return Text(500, "internal error");
}

}  // namespace blockdb
