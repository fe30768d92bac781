// The HTTP sidecar: routing and the token rule (HttpRouter, no sockets), the server over real
// loopback connections on an ephemeral port, and the Node serving it.
#include "server/http/http_server.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

#include "common/env.h"
#include "server/http/router.h"
#include "server/metrics.h"
#include "server/node.h"
#include "util/http_client.h"
#include "util/temp_dir.h"

namespace blockdb {
namespace {

using std::chrono::milliseconds;
using testing::HttpConnection;
using testing::HttpGet;
using testing::HttpReply;
using Clock = std::chrono::steady_clock;

// Generous: passing tests never wait this long; it only bounds a failing one.
constexpr milliseconds kDeadline(10'000);

// Endpoints whose readiness a test switches.
struct FakeNode {
  std::atomic<bool> ready{true};
  HttpEndpoints Endpoints() {
    return HttpEndpoints{
        [this] { return ready ? Status::OK() : Status::Busy("engine is recovering"); },
        [] { return std::string("# HELP x X.\n# TYPE x gauge\nx 1\n"); },
        [] { return std::string(R"({"node_id":7})"); }};
  }
};

HttpRequest Get(std::string target, bool loopback = true, std::string authorization = "") {
  return HttpRequest{"GET", std::move(target), std::move(authorization), loopback};
}

std::string HeaderOf(const HttpResponse& response, std::string_view name) {
  for (const auto& [n, v] : response.headers) {
    if (n == name) {
      return v;
    }
  }
  return "";
}

// Polls `done` until it holds or the deadline passes.
template <typename Predicate>
bool PollUntil(Predicate done) {
  const Clock::time_point until = Clock::now() + kDeadline;
  while (!done()) {
    if (Clock::now() >= until) {
      return false;
    }
    std::this_thread::yield();
  }
  return true;
}

// --- Router: no sockets ---------------------------------------------------------------------

TEST_CASE("http router: endpoints, status codes and content types") {
  FakeNode node;
  HttpRouter router(node.Endpoints(), "");
  HttpResponse health = router.Handle(Get("/health"));
  CHECK(health.status == 200);
  CHECK(health.body == "ok\n");
  CHECK(health.content_type == "text/plain; charset=utf-8");
  CHECK(router.Handle(Get("/ready")).status == 200);
  node.ready = false;
  HttpResponse unready = router.Handle(Get("/ready"));
  CHECK(unready.status == 503);
  CHECK(unready.body == "engine is recovering\n");
  HttpResponse metrics = router.Handle(Get("/metrics?name[]=x"));  // a query is ignored
  CHECK(metrics.status == 200);
  CHECK(metrics.content_type == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(metrics.body == "# HELP x X.\n# TYPE x gauge\nx 1\n");
  HttpResponse status = router.Handle(Get("/status"));
  CHECK(status.status == 200);
  CHECK(status.content_type == "application/json");
  CHECK(status.body == "{\"node_id\":7}\n");

  CHECK(router.Handle(Get("/nope")).status == 404);
  CHECK(router.Handle(Get("/health/")).status == 404);
  CHECK(router.Handle(Get("*")).status == 400);
  CHECK(router.Handle(Get("http://host/health")).status == 400);
  HttpResponse post = router.Handle(HttpRequest{"POST", "/health", "", true});
  CHECK(post.status == 405);
  CHECK(HeaderOf(post, "Allow") == "GET, HEAD");
  CHECK(router.Handle(HttpRequest{"HEAD", "/status", "", true}).status == 200);
  CHECK(router.Handle(HttpRequest{"DELETE", "/nope", "", true}).status == 404);
}

TEST_CASE("http router: with an admin token, non-loopback callers need it for admin endpoints") {
  FakeNode node;
  HttpRouter router(node.Endpoints(), "s3cret");
  for (const char* path : {"/metrics", "/status"}) {
    CAPTURE(path);
    HttpResponse denied = router.Handle(Get(path, /*loopback=*/false));
    CHECK(denied.status == 401);
    CHECK(HeaderOf(denied, "WWW-Authenticate") == "Bearer");
    CHECK(router.Handle(Get(path, false, "Bearer wrong")).status == 401);
    CHECK(router.Handle(Get(path, false, "Bearer s3cre")).status == 401);
    CHECK(router.Handle(Get(path, false, "Bearer s3cret2")).status == 401);
    CHECK(router.Handle(Get(path, false, "Basic s3cret")).status == 401);
    CHECK(router.Handle(Get(path, false, "s3cret")).status == 401);
    CHECK(router.Handle(Get(path, false, "Bearer s3cret")).status == 200);
    CHECK(router.Handle(Get(path, false, "bearer s3cret")).status == 200);  // scheme: any case
    CHECK(router.Handle(Get(path, /*loopback=*/true)).status == 200);       // loopback trusted
  }
  // Liveness and readiness stay open to probes.
  CHECK(router.Handle(Get("/health", false)).status == 200);
  CHECK(router.Handle(Get("/ready", false)).status == 200);

  // Without a token every caller may use every endpoint.
  HttpRouter open(node.Endpoints(), "");
  CHECK(open.Handle(Get("/metrics", false)).status == 200);
}

TEST_CASE("http router: metrics path labels are bounded") {
  CHECK(HttpRouter::PathLabel("/health") == "/health");
  CHECK(HttpRouter::PathLabel("/metrics?x=1") == "/metrics");
  CHECK(HttpRouter::PathLabel("/random/scan") == "other");
}

// --- The server over loopback ---------------------------------------------------------------

struct TestServer {
  explicit TestServer(HttpServerOptions options = {}, std::string token = "")
      : server(std::move(options), HttpRouter(node.Endpoints(), std::move(token)), &metrics) {
    Status s = server.Start();
    REQUIRE_MESSAGE(s.ok(), s.ToString());
    REQUIRE(server.port() != 0);
  }
  uint16_t port() const { return server.port(); }

  FakeNode node;
  MetricsRegistry metrics;
  HttpServer server;
};

std::unique_ptr<HttpConnection> Connect(uint16_t port) {
  Result<std::unique_ptr<HttpConnection>> c = HttpConnection::Connect("127.0.0.1", port);
  REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  return std::move(c).value();
}

HttpReply MustGet(uint16_t port, std::string_view target,
                  const std::vector<std::string>& headers = {}) {
  Result<HttpReply> reply = HttpGet(port, target, kDeadline, headers);
  REQUIRE_MESSAGE(reply.ok(), reply.status().ToString());
  return std::move(reply).value();
}

HttpReply MustRead(HttpConnection& c, bool head = false) {
  Result<HttpReply> reply = c.ReadReply(kDeadline, head);
  REQUIRE_MESSAGE(reply.ok(), reply.status().ToString());
  return std::move(reply).value();
}

TEST_CASE("http server: every endpoint and status code over a real connection") {
  TestServer t;
  HttpReply health = MustGet(t.port(), "/health");
  CHECK(health.status == 200);
  CHECK(health.body == "ok\n");
  CHECK(health.Header("content-length") == "3");
  CHECK(health.Header("server").starts_with("blockdb/"));
  CHECK(MustGet(t.port(), "/ready").status == 200);
  t.node.ready = false;
  HttpReply unready = MustGet(t.port(), "/ready");
  CHECK(unready.status == 503);
  CHECK(unready.body == "engine is recovering\n");
  HttpReply metrics = MustGet(t.port(), "/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.Header("content-type") == "text/plain; version=0.0.4; charset=utf-8");
  HttpReply status = MustGet(t.port(), "/status");
  CHECK(status.status == 200);
  CHECK(status.Header("content-type") == "application/json");
  CHECK(MustGet(t.port(), "/missing").status == 404);

  auto c = Connect(t.port());
  REQUIRE(c->Send("PUT /health HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi").ok());
  HttpReply put = MustRead(*c);
  CHECK(put.status == 405);
  CHECK(put.Header("allow") == "GET, HEAD");

  // The server counts what it answered, by endpoint and status.
  std::string text = t.metrics.RenderText();
  CHECK(text.find("blockdb_http_requests_total{path=\"/ready\",code=\"503\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("blockdb_http_requests_total{path=\"other\",code=\"404\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("blockdb_http_request_duration_seconds_count{path=\"/health\"} 2\n") !=
        std::string::npos);
}

TEST_CASE("http server: keep-alive serves several requests on one connection, HEAD has no body") {
  TestServer t;
  auto c = Connect(t.port());
  REQUIRE(c->Send("HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n").ok());
  HttpReply head = MustRead(*c, /*head=*/true);
  CHECK(head.status == 200);
  CHECK(head.Header("content-length") == "3");
  // Two pipelined requests: if HEAD had sent a body, it would be read as the next status line.
  REQUIRE(c->Send("GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /status HTTP/1.1\r\nHost: x\r\n\r\n")
              .ok());
  CHECK(MustRead(*c).body == "ok\n");
  CHECK(MustRead(*c).body == "{\"node_id\":7}\n");
  // Connection: close is honoured.
  REQUIRE(c->Send("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").ok());
  HttpReply last = MustRead(*c);
  CHECK(last.Header("connection") == "close");
  CHECK(c->WaitForClose(kDeadline));

  // HTTP/1.0 closes after one response unless it asks for keep-alive.
  auto old = Connect(t.port());
  REQUIRE(old->Send("GET /health HTTP/1.0\r\n\r\n").ok());
  CHECK(MustRead(*old).status == 200);
  CHECK(old->WaitForClose(kDeadline));
}

TEST_CASE("http server: malformed and oversized requests get 400 and the connection closes") {
  HttpServerOptions options;
  options.max_header_bytes = 1024;
  options.max_body_bytes = 16;
  TestServer t(options);
  const char* bad_requests[] = {
      "GARBAGE\r\n\r\n",
      "GET /health HTTP/9.9\r\n\r\n",
      "GET /health HTTP/1.1\r\nNo colon here\r\n\r\n",
      "GET /health HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
      "GET /health HTTP/1.1\r\nContent-Length: 17\r\n\r\n",  // over the body limit
  };
  for (const char* request : bad_requests) {
    CAPTURE(request);
    auto c = Connect(t.port());
    REQUIRE(c->Send(request).ok());
    HttpReply reply = MustRead(*c);
    CHECK(reply.status == 400);
    CHECK(reply.body.starts_with("malformed request"));
    CHECK(c->WaitForClose(kDeadline));
  }
  // Header fields larger than the limit.
  auto c = Connect(t.port());
  REQUIRE(c->Send("GET /health HTTP/1.1\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n").ok());
  CHECK(MustRead(*c).status == 400);
  CHECK(c->WaitForClose(kDeadline));
  // The server still serves well-formed requests.
  CHECK(MustGet(t.port(), "/health").status == 200);
}

TEST_CASE(
    "http server: concurrency: a client sending one byte per 100 ms neither delays others nor "
    "lasts") {
  HttpServerOptions options;
  options.read_timeout = milliseconds(1000);
  TestServer t(options);
  const std::string request = "GET /health HTTP/1.1\r\nHost: slow.example\r\n\r\n";

  // The slow client trickles its request; it stops when the server closes the connection (the
  // 100 ms wait for that close is also its pacing).
  auto slow = Connect(t.port());
  std::mutex mu;
  std::condition_variable cv;
  size_t sent = 0;
  std::optional<Clock::time_point> closed_at;
  const Clock::time_point started = Clock::now();
  std::thread trickle([&] {
    for (size_t i = 0; i < request.size(); ++i) {
      if (!slow->Send(std::string_view(request).substr(i, 1)).ok() ||
          slow->WaitForClose(milliseconds(100))) {
        std::lock_guard<std::mutex> lock(mu);
        closed_at = Clock::now();
        break;
      }
      std::lock_guard<std::mutex> lock(mu);
      ++sent;
      cv.notify_all();
    }
    std::lock_guard<std::mutex> lock(mu);
    cv.notify_all();
  });

  {  // Once the slow request is under way, another client is served at once.
    std::unique_lock<std::mutex> lock(mu);
    REQUIRE(cv.wait_for(lock, kDeadline, [&] { return sent >= 3 || closed_at; }));
  }
  Clock::time_point before = Clock::now();
  CHECK(MustGet(t.port(), "/health").status == 200);
  CHECK(Clock::now() - before < milliseconds(500));

  {  // The slow client is cut off at the read deadline, long before it finishes.
    std::unique_lock<std::mutex> lock(mu);
    CHECK(cv.wait_for(lock, kDeadline, [&] { return closed_at.has_value(); }));
  }
  trickle.join();
  REQUIRE(closed_at.has_value());
  CHECK(sent < request.size());
  CHECK(*closed_at - started >= milliseconds(900));
  // The server counts the timeout just after closing; the client may notice the close first.
  CHECK(PollUntil([&] {
    return t.metrics.RenderText().find("blockdb_http_read_timeouts_total 1\n") != std::string::npos;
  }));
}

TEST_CASE("http server: connections beyond the limit get 503 and a freed slot is reused") {
  HttpServerOptions options;
  options.max_connections = 2;
  TestServer t(options);
  auto a = Connect(t.port());
  auto b = Connect(t.port());
  // Accepts are handled in order, so a and b hold both slots before this one is seen.
  auto c = Connect(t.port());
  HttpReply rejected = MustRead(*c);
  CHECK(rejected.status == 503);
  CHECK(rejected.body == "too many connections\n");
  CHECK(c->WaitForClose(kDeadline));
  // The held connections work.
  REQUIRE(a->Send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n").ok());
  CHECK(MustRead(*a).status == 200);

  // Closing one frees its slot once the server notices: poll with a deadline. Until then a
  // request may be answered 503, or reset when the server closes with the request unread.
  b.reset();
  CHECK(PollUntil([&] {
    Result<HttpReply> reply = HttpGet(t.port(), "/health", kDeadline);
    return reply.ok() && reply->status == 200;
  }));
  CHECK(t.metrics.RenderText().find("blockdb_http_rejected_connections_total ") !=
        std::string::npos);
}

TEST_CASE("http server: Stop closes open connections promptly and frees the port") {
  HttpServerOptions options;
  options.read_timeout = milliseconds(60'000);  // Stop must not wait for it
  auto t = std::make_unique<TestServer>(options);
  uint16_t port = t->port();
  auto idle = Connect(port);
  REQUIRE(idle->Send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n").ok());
  CHECK(MustRead(*idle).status == 200);  // now idle in keep-alive
  auto partial = Connect(port);
  REQUIRE(partial->Send("GET /hea").ok());

  Clock::time_point before = Clock::now();
  t->server.Stop();
  CHECK(Clock::now() - before < milliseconds(5'000));
  CHECK(t->server.port() == 0);
  CHECK(idle->WaitForClose(kDeadline));
  CHECK(partial->WaitForClose(kDeadline));
  CHECK_FALSE(HttpConnection::Connect("127.0.0.1", port).ok());
  t->server.Stop();  // idempotent
}

TEST_CASE("http server: a port in use or an unknown host fails Start with IOError") {
  TestServer first;
  HttpServerOptions options;
  options.port = first.port();
  FakeNode node;
  HttpServer second(options, HttpRouter(node.Endpoints(), ""), nullptr);
  Status s = second.Start();
  CHECK(s.IsIOError());
  CHECK_MESSAGE(s.message().find("127.0.0.1:" + std::to_string(first.port())) != std::string::npos,
                s.message());
  CHECK(second.port() == 0);

  options.port = 0;
  options.host = "no-such-host.invalid";
  HttpServer third(options, HttpRouter(node.Endpoints(), ""), nullptr);
  CHECK(third.Start().IsIOError());
}

// A local IPv4 address that is not loopback, to connect from a non-loopback source; none on
// machines with only a loopback interface.
std::optional<std::string> NonLoopbackAddress() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    return std::nullopt;
  }
  std::optional<std::string> found;
  for (ifaddrs* i = list; i != nullptr && !found; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) {
      continue;
    }
    in_addr addr = reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr;
    if ((ntohl(addr.s_addr) >> 24) != 127) {
      char text[INET_ADDRSTRLEN];
      found = inet_ntop(AF_INET, &addr, text, sizeof(text));
    }
  }
  freeifaddrs(list);
  return found;
}

TEST_CASE("http server: the admin token is required from a non-loopback address only") {
  HttpServerOptions options;
  options.host = "0.0.0.0";
  TestServer t(options, "s3cret");
  CHECK(MustGet(t.port(), "/metrics").status == 200);  // loopback is trusted

  std::optional<std::string> address = NonLoopbackAddress();
  if (!address) {
    MESSAGE("no non-loopback IPv4 address on this machine; only the loopback half ran");
    return;
  }
  CAPTURE(*address);
  auto get = [&](std::string_view target, std::vector<std::string> headers = {}) {
    Result<HttpReply> reply = HttpGet(t.port(), target, kDeadline, headers, *address);
    REQUIRE_MESSAGE(reply.ok(), reply.status().ToString());
    return reply->status;
  };
  CHECK(get("/metrics") == 401);
  CHECK(get("/status", {"Authorization: Bearer nope"}) == 401);
  CHECK(get("/status", {"Authorization: Bearer s3cret"}) == 200);
  CHECK(get("/health") == 200);
  CHECK(get("/ready") == 200);
}

// --- The Node serves it -----------------------------------------------------------------------

using ::blockdb::testing::TempDir;

Config NodeConfig(const std::string& data_dir, uint16_t http_port = 0) {
  Config config;
  config.database.data_dir = data_dir;
  config.server.port = 0;
  config.server.http_port = http_port;
  config.cluster.node_id = 3;
  return config;
}

bool Contains(const std::string& text, std::string_view needle) {
  return text.find(needle) != std::string::npos;
}

TEST_CASE("http node: the node serves health, readiness, engine metrics and status") {
  TempDir tmp;
  std::string dir = tmp.Join("data");
  Node node(NodeConfig(dir));
  CHECK(node.http_port() == 0);
  REQUIRE(node.Start().ok());
  uint16_t port = node.http_port();
  REQUIRE(port != 0);
  CHECK(node.CheckReady().ok());

  CHECK(MustGet(port, "/health").body == "ok\n");
  HttpReply ready = MustGet(port, "/ready");
  CHECK(ready.status == 200);
  CHECK(ready.body == "ready\n");

  std::string metrics = MustGet(port, "/metrics").body;
  CHECK(Contains(metrics, "# TYPE blockdb_engine_applied_index gauge\n"));
  CHECK(Contains(metrics, "blockdb_engine_sstable_files{level=\"0\"} 0\n"));
  CHECK(Contains(metrics, "# TYPE blockdb_engine_log_fsyncs_total counter\n"));
  CHECK(Contains(metrics, "blockdb_node_ready 1\n"));
  CHECK(Contains(metrics, "blockdb_build_info{version=\""));
  CHECK(Contains(metrics, "blockdb_http_requests_total{path=\"/ready\",code=\"200\"} 1\n"));

  std::string status = MustGet(port, "/status").body;
  CHECK(status.starts_with("{\"node_id\":3,\"role\":\"leader\",\"applied_index\":"));
  CHECK(Contains(status, "\"uptime_seconds\":"));
  CHECK(Contains(status, "\"version\":\""));
  CHECK(Contains(status, "\"data_dir\":\"" + dir + "\""));
  CHECK(Contains(status, "\"http_port\":" + std::to_string(port)));
  // The ledger's digest of an empty ledger: no entries, the genesis block.
  CHECK(Contains(status, "\"ledger_digest\":{\"type\":\"digest\",\"tree_size\":0,"));
  CHECK(Contains(status, "\"last_block_index\":0,"));
  CHECK(status.ends_with("}\n"));

  // The ledger (or any later layer) contributes fields through the hook.
  node.SetStatusField(Node::kLedgerDigestField, [] { return std::string(R"({"tree_size":0})"); });
  node.SetStatusField("raft", [] { return std::string("{}"); });
  status = MustGet(port, "/status").body;
  CHECK(Contains(status, "\"ledger_digest\":{\"tree_size\":0}"));
  CHECK_FALSE(Contains(status, "\"ledger_digest\":null"));
  CHECK(Contains(status, "\"raft\":{}"));

  REQUIRE(node.Stop().ok());
  CHECK(node.http_port() == 0);
  CHECK_FALSE(HttpConnection::Connect("127.0.0.1", port).ok());
  // Scrapes after Stop no longer read the closed engine.
  CHECK_FALSE(Contains(node.metrics().RenderText(), "blockdb_engine_"));
  CHECK(node.CheckReady().code() == StatusCode::kBusy);
}

TEST_CASE("http node: an HTTP port in use fails Start and releases the data directory") {
  TempDir tmp;
  std::string dir = tmp.Join("data");
  TestServer occupant;
  Node node(NodeConfig(dir, occupant.port()));
  Status s = node.Start();
  CHECK(s.IsIOError());
  CHECK_MESSAGE(Contains(s.message(), "cannot listen for HTTP"), s.message());
  CHECK(node.state() == Node::State::kCreated);
  CHECK(node.db() == nullptr);

  // Nothing is left locked: another node on the same directory starts.
  Node other(NodeConfig(dir));
  REQUIRE(other.Start().ok());
  CHECK(other.http_port() != 0);
}

}  // namespace
}  // namespace blockdb
