#include "server/http/http_server.h"

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <atomic>
#include <set>
#include <thread>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "common/check.h"
#include "common/logging.h"
#include "server/metrics.h"
#include "server/version.h"

namespace blockdb {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// How long the accept loop pauses after a failed accept (out of file descriptors, say) before
// trying again, instead of spinning on the error.
constexpr std::chrono::milliseconds kAcceptBackoff(100);

spdlog::logger& Log() {
  static auto* logger = Logger("http").get();
  return *logger;
}

// "127.0.0.1:8080" or "[::1]:8080".
std::string FormatEndpoint(const tcp::endpoint& endpoint) {
  std::string address = endpoint.address().to_string();
  if (endpoint.address().is_v6()) {
    address = "[" + address + "]";
  }
  return address + ":" + std::to_string(endpoint.port());
}

// True when the peer is on 127.0.0.0/8 or ::1, also as an IPv4-mapped IPv6 address (which is how
// a socket bound to "::" sees IPv4 clients).
bool PeerIsLoopback(const tcp::socket& socket) {
  beast::error_code ec;
  tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) {
    return false;
  }
  asio::ip::address address = peer.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return address.is_loopback();
}

// Errors that mean the bytes received are not an acceptable HTTP request (answered 400), as
// opposed to the peer going away or the deadline passing (the connection is just closed).
bool IsBadRequest(const beast::error_code& ec) {
  return ec.category() == beast::error_code(http::error::bad_target).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message;
}

// Invokes nothing on success; an exception escaping a connection's coroutine is a bug in BlockDB
// (everything here uses error codes), logged and contained to that connection.
void OnCoroutineDone(std::exception_ptr error) {
  if (error == nullptr) {
    return;
  }
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    Log().error("http connection failed with an exception: {}", e.what());
  } catch (...) {
    Log().error("http connection failed with an unknown exception");
  }
}

// The server's own metrics (docs/protocol/http.md).
struct ServerMetrics {
  explicit ServerMetrics(MetricsRegistry& registry)
      : requests(registry.AddCounterFamily("blockdb_http_requests_total",
                                           "HTTP requests answered, by endpoint path and status.",
                                           {"path", "code"})),
        duration(registry.AddHistogramFamily(
            "blockdb_http_request_duration_seconds",
            "Time from a complete HTTP request to its response ready to send, by endpoint path.",
            {"path"}, LatencyBuckets())),
        open_connections(
            registry.AddGauge("blockdb_http_open_connections", "HTTP connections being served.")),
        rejected(registry.AddCounter("blockdb_http_rejected_connections_total",
                                     "HTTP connections refused (503) at the connection limit.")),
        timeouts(registry.AddCounter(
            "blockdb_http_read_timeouts_total",
            "HTTP connections closed because a request did not arrive in time.")) {}

  CounterFamily& requests;
  HistogramFamily& duration;
  Gauge& open_connections;
  Counter& rejected;
  Counter& timeouts;
};

}  // namespace

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, HttpRouter router, MetricsRegistry* metrics)
      : options_(std::move(options)),
        router_(std::move(router)),
        own_registry_(metrics == nullptr ? std::make_unique<MetricsRegistry>() : nullptr),
        metrics_(metrics != nullptr ? *metrics : *own_registry_) {}

  ~Impl() { Stop(); }

  Status Start();
  void Stop();
  uint16_t port() const { return port_.load(std::memory_order_acquire); }

 private:
  // Registers a connection's stream while its coroutine runs, so Stop can close it. Connections
  // that count against the limit also hold one unit of active_ (taken at accept).
  class Tracked {
   public:
    Tracked(Impl* impl, beast::tcp_stream* stream, bool counted)
        : impl_(impl), stream_(stream), counted_(counted) {
      impl_->streams_.insert(stream_);
    }
    ~Tracked() {
      impl_->streams_.erase(stream_);
      if (counted_) {
        --impl_->active_;
        impl_->metrics_.open_connections.Add(-1);
      }
    }
    Tracked(const Tracked&) = delete;
    Tracked& operator=(const Tracked&) = delete;

   private:
    Impl* const impl_;
    beast::tcp_stream* const stream_;
    const bool counted_;
  };

  Result<tcp::endpoint> ResolveListenAddress();
  Status Listen(const tcp::endpoint& endpoint);

  asio::awaitable<void> AcceptLoop();
  asio::awaitable<void> Serve(tcp::socket socket);
  asio::awaitable<void> Reject(tcp::socket socket);
  // Answers one request; returns whether the connection stays open for another.
  asio::awaitable<bool> Respond(beast::tcp_stream& stream,
                                const http::request<http::string_body>& request, bool loopback);
  // Sends a response that closes the connection (400 for a bad request, 503 at the limit).
  asio::awaitable<void> SendAndClose(beast::tcp_stream& stream, http::status status,
                                     std::string body, std::string_view path_label);
  // Runs on the event loop: stop accepting, close every connection.
  void CloseAll();

  void Count(std::string_view path_label, int status, Clock::time_point start);

  const HttpServerOptions options_;
  const HttpRouter router_;
  const std::unique_ptr<MetricsRegistry> own_registry_;  // when the caller gave none
  ServerMetrics metrics_;

  asio::io_context io_{1};
  tcp::acceptor acceptor_{io_};
  std::thread thread_;
  bool started_ = false;  // Start/Stop thread only
  std::atomic<uint16_t> port_{0};

  // Event-loop thread only.
  bool stopping_ = false;
  uint32_t active_ = 0;
  std::set<beast::tcp_stream*> streams_;
};

Result<tcp::endpoint> HttpServer::Impl::ResolveListenAddress() {
  beast::error_code ec;
  asio::ip::address address = asio::ip::make_address(options_.host, ec);
  if (!ec) {
    return tcp::endpoint(address, options_.port);
  }
  tcp::resolver resolver(io_);
  auto results = resolver.resolve(options_.host, std::to_string(options_.port), ec);
  if (ec || results.empty()) {
    return Status::IOError("cannot resolve HTTP host " + options_.host + ": " +
                           (ec ? ec.message() : std::string("no address")));
  }
  return results.begin()->endpoint();
}

Status HttpServer::Impl::Listen(const tcp::endpoint& endpoint) {
  beast::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) {
    acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor_.bind(endpoint, ec);
  }
  if (!ec) {
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  }
  tcp::endpoint bound;
  if (!ec) {
    bound = acceptor_.local_endpoint(ec);
  }
  if (ec) {
    beast::error_code ignored;
    acceptor_.close(ignored);
    return Status::IOError("cannot listen for HTTP on " + FormatEndpoint(endpoint) + ": " +
                           ec.message());
  }
  port_.store(bound.port(), std::memory_order_release);
  Log().info("http listening on {}", FormatEndpoint(bound));
  return Status::OK();
}

Status HttpServer::Impl::Start() {
  BLOCKDB_CHECK(!started_);
  started_ = true;
  ASSIGN_OR_RETURN(tcp::endpoint endpoint, ResolveListenAddress());
  RETURN_IF_ERROR(Listen(endpoint));
  asio::co_spawn(io_, AcceptLoop(), OnCoroutineDone);
  // The loop returns once Stop has closed the acceptor and every connection.
  thread_ = std::thread([this] { io_.run(); });
  return Status::OK();
}

void HttpServer::Impl::Stop() {
  if (!thread_.joinable()) {
    return;
  }
  asio::post(io_, [this] { CloseAll(); });
  thread_.join();
  port_.store(0, std::memory_order_release);
  Log().info("http stopped");
}

void HttpServer::Impl::CloseAll() {
  stopping_ = true;
  beast::error_code ignored;
  acceptor_.close(ignored);
  for (beast::tcp_stream* stream : streams_) {
    stream->close();  // pending reads and writes complete with operation_aborted
  }
}

asio::awaitable<void> HttpServer::Impl::AcceptLoop() {
  bool failing = false;
  while (!stopping_) {
    beast::error_code ec;
    tcp::socket socket =
        co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (stopping_) {
      co_return;
    }
    if (ec) {
      if (!failing) {  // one line per episode, not one per retry
        Log().warn("http accept failed: {}", ec.message());
      }
      failing = true;
      asio::steady_timer timer(io_, kAcceptBackoff);
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    failing = false;
    if (active_ >= options_.max_connections) {
      metrics_.rejected.Increment();
      asio::co_spawn(io_, Reject(std::move(socket)), OnCoroutineDone);
      continue;
    }
    ++active_;  // taken here, so a burst of accepts cannot overshoot the limit
    metrics_.open_connections.Add(1);
    asio::co_spawn(io_, Serve(std::move(socket)), OnCoroutineDone);
  }
}

asio::awaitable<void> HttpServer::Impl::Serve(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  Tracked tracked(this, &stream, /*counted=*/true);
  const bool loopback = PeerIsLoopback(stream.socket());
  // Bounded: a request that does not fit is a parse error (buffer_overflow), answered 400.
  beast::flat_buffer buffer(options_.max_header_bytes + options_.max_body_bytes);
  while (!stopping_) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<uint32_t>(options_.max_header_bytes));
    parser.body_limit(options_.max_body_bytes);
    // An absolute deadline for the whole request: trickling bytes does not extend it.
    stream.expires_after(options_.read_timeout);
    beast::error_code ec;
    co_await http::async_read(stream, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == beast::error::timeout) {
        metrics_.timeouts.Increment();
      } else if (IsBadRequest(ec) && !stopping_) {
        co_await SendAndClose(stream, http::status::bad_request,
                              "malformed request: " + ec.message() + "\n", "other");
      }
      break;
    }
    if (!co_await Respond(stream, parser.get(), loopback)) {
      break;
    }
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> HttpServer::Impl::Reject(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  Tracked tracked(this, &stream, /*counted=*/false);
  co_await SendAndClose(stream, http::status::service_unavailable, "too many connections\n",
                        "other");
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<bool> HttpServer::Impl::Respond(beast::tcp_stream& stream,
                                                const http::request<http::string_body>& request,
                                                bool loopback) {
  const Clock::time_point start = Clock::now();
  HttpRequest in{std::string(request.method_string()), std::string(request.target()),
                 std::string(request[http::field::authorization]), loopback};
  HttpResponse out = router_.Handle(in);

  http::response<http::string_body> response(static_cast<http::status>(out.status),
                                             request.version());
  response.set(http::field::server, std::string("blockdb/") + Version());
  response.set(http::field::content_type, out.content_type);
  response.set(http::field::cache_control, "no-store");
  for (const auto& [name, value] : out.headers) {
    response.set(name, value);
  }
  response.body() = std::move(out.body);
  response.prepare_payload();
  if (request.method() == http::verb::head) {
    response.body().clear();  // Content-Length still states the GET body's size
  }
  const bool keep_alive = request.keep_alive() && !stopping_;
  response.keep_alive(keep_alive);

  // Counted before sending, so that a client that has the response also sees it counted.
  Count(HttpRouter::PathLabel(in.target), out.status, start);
  stream.expires_after(options_.write_timeout);
  beast::error_code ec;
  co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
  co_return keep_alive && !ec;
}

asio::awaitable<void> HttpServer::Impl::SendAndClose(beast::tcp_stream& stream, http::status status,
                                                     std::string body,
                                                     std::string_view path_label) {
  const Clock::time_point start = Clock::now();
  http::response<http::string_body> response(status, 11);
  response.set(http::field::server, std::string("blockdb/") + Version());
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.set(http::field::cache_control, "no-store");
  response.body() = std::move(body);
  response.keep_alive(false);
  response.prepare_payload();
  Count(path_label, static_cast<int>(status), start);
  stream.expires_after(options_.write_timeout);
  beast::error_code ec;
  co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
}

void HttpServer::Impl::Count(std::string_view path_label, int status, Clock::time_point start) {
  std::string path(path_label);
  metrics_.requests.WithLabels({path, std::to_string(status)}).Increment();
  metrics_.duration.WithLabels({path}).Observe(
      std::chrono::duration<double>(Clock::now() - start).count());
}

// --- HttpServer ---------------------------------------------------------------------------------

HttpServer::HttpServer(HttpServerOptions options, HttpRouter router, MetricsRegistry* metrics)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router), metrics)) {}

HttpServer::~HttpServer() = default;

Status HttpServer::Start() { return impl_->Start(); }

void HttpServer::Stop() { impl_->Stop(); }

uint16_t HttpServer::port() const { return impl_->port(); }

}  // namespace blockdb
