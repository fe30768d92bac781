#include "pgwire/server/pg_server.h"

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <ctime>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "common/check.h"
#include "common/logging.h"
#include "pgwire/codec.h"
#include "pgwire/server/pg_connection.h"
#include "pgwire/server/server_state.h"
#include "pgwire/server/work_pool.h"

namespace blockdb::pgwire {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using TlsStream = ssl::stream<beast::tcp_stream&>;

constexpr std::chrono::milliseconds kAcceptBackoff(100);
// A send that has not completed after this long closes the connection (the client stopped
// reading). Output goes out in chunks, so this bounds the time per chunk, not per result.
constexpr std::chrono::seconds kWriteTimeout(60);
constexpr size_t kWriteChunk = 256 * 1024;
constexpr size_t kReadBuffer = 16 * 1024;
// TCP connections beyond max_connections still get their 53300 answer, up to this many extra;
// beyond that they are closed at once, so a flood cannot hold unbounded memory.
constexpr uint32_t kExtraConnections = 64;
// How long a pool thread that has just answered a client waits for the client's next message
// before handing the connection back to the I/O threads (see QuickTurns). A driver in a
// transaction sends its next statement within microseconds of the reply; the wait parks the
// thread in poll(2), it does not spin.
constexpr std::chrono::microseconds kQuickTurnWait(2000);

spdlog::logger& Log() {
  static auto* logger = Logger("pgwire").get();
  return *logger;
}

std::string FormatEndpoint(const tcp::endpoint& endpoint) {
  std::string address = endpoint.address().to_string();
  if (endpoint.address().is_v6()) {
    address = "[" + address + "]";
  }
  return address + ":" + std::to_string(endpoint.port());
}

bool IsLoopback(const tcp::endpoint& peer) {
  asio::ip::address address = peer.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return address.is_loopback();
}

void OnCoroutineDone(std::exception_ptr error) {
  if (error == nullptr) {
    return;
  }
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    Log().error("pgwire connection failed with an exception: {}", e.what());
  } catch (...) {
    Log().error("pgwire connection failed with an unknown exception");
  }
}

// Runs fn() on the pool and resumes the calling coroutine on its own executor (its strand). The
// pool signals completion through a timer on that executor: setting its expiry in the past
// completes a pending wait and makes a later one complete at once, so the order of the two does
// not matter.
template <typename F>
asio::awaitable<void> Offload(WorkPool& pool, F& fn) {
  auto executor = co_await asio::this_coro::executor;
  auto done = std::make_shared<asio::steady_timer>(executor, asio::steady_timer::time_point::max());
  pool.Submit([&fn, done] {
    fn();
    asio::post(done->get_executor(),
               [done] { done->expires_at(asio::steady_timer::time_point::min()); });
  });
  beast::error_code ec;
  co_await done->async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

// RFC 5929 tls-server-end-point: the certificate's hash with its signature's digest, SHA-256
// when that is MD5 or SHA-1 (or unknown).
std::optional<std::string> TlsServerEndPoint(SSL_CTX* ctx) {
  X509* cert = SSL_CTX_get0_certificate(ctx);
  if (cert == nullptr) {
    return std::nullopt;
  }
  int md_nid = NID_undef;
  const EVP_MD* md = EVP_sha256();
  if (X509_get_signature_info(cert, &md_nid, nullptr, nullptr, nullptr) == 1 && md_nid != NID_md5 &&
      md_nid != NID_sha1 && md_nid != NID_undef) {
    if (const EVP_MD* own = EVP_get_digestbynid(md_nid)) {
      md = own;
    }
  }
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, md, buf, &len) != 1) {
    return std::nullopt;
  }
  return std::string(reinterpret_cast<char*>(buf), len);
}

}  // namespace

class PgServer::Impl {
 public:
  Impl(PgServerOptions options, sql::Database* db, PgServerObserver* observer)
      : options_(std::move(options)), db_(db), observer_(observer) {}
  ~Impl() { Stop(std::chrono::milliseconds(5000)); }

  Status Start();
  void Stop(std::chrono::milliseconds grace);
  uint16_t port() const { return port_.load(std::memory_order_acquire); }
  uint32_t sessions() const { return state_ != nullptr ? state_->sessions() : 0; }

 private:
  struct Conn {
    explicit Conn(tcp::socket socket) : stream(std::move(socket)) {}
    beast::tcp_stream stream;
    std::unique_ptr<TlsStream> tls;
    std::unique_ptr<PgConnection> protocol;
    // A pool thread in QuickTurns uses the socket's descriptor under fd_mu; Stop closes the
    // socket under it, so the descriptor is never closed (and reused) under that thread.
    std::mutex fd_mu;
    bool closed = false;  // guarded by fd_mu
  };

  Status LoadTls();
  asio::awaitable<void> AcceptLoop();
  asio::awaitable<void> Serve(std::shared_ptr<Conn> c, uint64_t id);
  asio::awaitable<bool> WriteAll(Conn& c, const std::string& out);
  void QuickTurns(Conn& c, std::string& in, std::string* out, PgConnection::Action* action);
  asio::awaitable<bool> StartTls(Conn& c, Clock::time_point startup_deadline);
  void SetReadDeadline(Conn& c, Clock::time_point startup_deadline);
  void Forget(uint64_t id);

  const PgServerOptions options_;
  sql::Database* const db_;
  PgServerObserver* const observer_;
  std::unique_ptr<ServerState> state_;
  std::unique_ptr<WorkPool> pool_;
  std::unique_ptr<ssl::context> tls_context_;
  std::optional<std::string> tls_end_point_;

  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::unique_ptr<tcp::acceptor> acceptor_;
  std::vector<std::thread> threads_;
  std::atomic<uint16_t> port_{0};
  bool started_ = false;

  std::mutex mu_;
  std::condition_variable closed_cv_;
  uint64_t next_id_ = 1;                           // guarded by mu_
  std::map<uint64_t, std::weak_ptr<Conn>> conns_;  // guarded by mu_
  bool stopping_ = false;                          // guarded by mu_
};

Status PgServer::Impl::LoadTls() {
  if (options_.tls_cert_file.empty() && options_.tls_key_file.empty()) {
    return Status::OK();
  }
  if (options_.tls_cert_file.empty() || options_.tls_key_file.empty()) {
    return Status::InvalidArgument("TLS needs both server.tls_cert and server.tls_key");
  }
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  beast::error_code ec;
  ctx->use_certificate_chain_file(options_.tls_cert_file, ec);
  if (ec) {
    return Status::InvalidArgument("cannot load TLS certificate " + options_.tls_cert_file + ": " +
                                   ec.message());
  }
  ctx->use_private_key_file(options_.tls_key_file, ssl::context::pem, ec);
  if (ec) {
    return Status::InvalidArgument("cannot load TLS key " + options_.tls_key_file + ": " +
                                   ec.message());
  }
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    return Status::InvalidArgument("TLS key " + options_.tls_key_file +
                                   " does not match certificate " + options_.tls_cert_file);
  }
  tls_end_point_ = TlsServerEndPoint(ctx->native_handle());
  tls_context_ = std::move(ctx);
  return Status::OK();
}

Status PgServer::Impl::Start() {
  BLOCKDB_CHECK(!started_);
  RETURN_IF_ERROR(LoadTls());
  ASSIGN_OR_RETURN(state_, ServerState::Create(options_, db_, observer_));
  beast::error_code ec;
  tcp::resolver resolver(io_);
  auto results = resolver.resolve(options_.host, std::to_string(options_.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return Status::IOError("cannot resolve pgwire address " + options_.host + ": " + ec.message());
  }
  tcp::endpoint endpoint = results.begin()->endpoint();
  auto acceptor = std::make_unique<tcp::acceptor>(asio::make_strand(io_));
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) {
    acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    acceptor->bind(endpoint, ec);
  }
  if (!ec) {
    acceptor->listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    return Status::IOError("cannot listen on " + FormatEndpoint(endpoint) + ": " + ec.message());
  }
  tcp::endpoint bound = acceptor->local_endpoint(ec);
  port_.store(bound.port(), std::memory_order_release);
  acceptor_ = std::move(acceptor);
  pool_ = std::make_unique<WorkPool>(options_.max_connections + kExtraConnections);
  work_.emplace(io_.get_executor());
  asio::co_spawn(acceptor_->get_executor(), AcceptLoop(), OnCoroutineDone);
  uint32_t n = options_.worker_threads != 0 ? options_.worker_threads
                                            : std::max(1u, std::thread::hardware_concurrency());
  for (uint32_t i = 0; i < n; ++i) {
    threads_.emplace_back([this] { io_.run(); });
  }
  started_ = true;
  Log().info("pgwire listening on {}{}", FormatEndpoint(bound),
             tls_context_ != nullptr ? " (TLS available)" : "");
  return Status::OK();
}

asio::awaitable<void> PgServer::Impl::AcceptLoop() {
  asio::steady_timer backoff(acceptor_->get_executor());
  for (;;) {
    auto strand = asio::make_strand(io_);
    tcp::socket socket(strand);
    beast::error_code ec;
    co_await acceptor_->async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (!acceptor_->is_open()) {
      co_return;
    }
    if (ec) {
      Log().warn("pgwire accept failed: {}", ec.message());
      backoff.expires_after(kAcceptBackoff);
      co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    uint64_t id = 0;
    auto conn = std::make_shared<Conn>(std::move(socket));
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_ || conns_.size() >= options_.max_connections + kExtraConnections) {
        state_->observer().ConnectionRejected("53300");
        continue;  // conn's destructor closes the socket
      }
      id = next_id_++;
      conns_[id] = conn;
    }
    asio::co_spawn(strand, Serve(std::move(conn), id), OnCoroutineDone);
  }
}

void PgServer::Impl::SetReadDeadline(Conn& c, Clock::time_point startup_deadline) {
  if (!c.protocol->authenticated()) {
    if (options_.startup_timeout.count() > 0) {
      c.stream.expires_at(startup_deadline);
    } else {
      c.stream.expires_never();
    }
  } else if (options_.idle_timeout.count() > 0) {
    c.stream.expires_after(options_.idle_timeout);
  } else {
    c.stream.expires_never();
  }
}

asio::awaitable<bool> PgServer::Impl::WriteAll(Conn& c, const std::string& out) {
  for (size_t pos = 0; pos < out.size(); pos += kWriteChunk) {
    asio::const_buffer chunk(out.data() + pos, std::min(kWriteChunk, out.size() - pos));
    beast::error_code ec;
    c.stream.expires_after(kWriteTimeout);
    if (c.tls != nullptr) {
      co_await asio::async_write(*c.tls, chunk, asio::redirect_error(asio::use_awaitable, ec));
    } else {
      co_await asio::async_write(c.stream, chunk, asio::redirect_error(asio::use_awaitable, ec));
    }
    if (ec) {
      co_return false;
    }
  }
  co_return true;
}

asio::awaitable<bool> PgServer::Impl::StartTls(Conn& c, Clock::time_point startup_deadline) {
  c.tls = std::make_unique<TlsStream>(c.stream, *tls_context_);
  SetReadDeadline(c, startup_deadline);
  beast::error_code ec;
  co_await c.tls->async_handshake(ssl::stream_base::server,
                                  asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    Log().info("pgwire TLS handshake failed: {}", ec.message());
    co_return false;
  }
  c.protocol->OnTlsEstablished(tls_end_point_);
  co_return true;
}

// Runs on the pool thread that has just handled the client's bytes, while Serve waits for it (so
// nothing but Stop touches the socket): sends the reply and, when the client's next message
// arrives within kQuickTurnWait, handles it here too, and so on. A statement then costs one
// thread wake-up (this thread's, from poll) instead of three (the I/O thread's for the read, the
// pool thread's for the work, the I/O thread's again for the write), which is most of the CPU a
// short statement costs. Anything unusual is left to the I/O-thread path in Serve, which then
// finds it as it would have: a reply that does not fit the socket buffer (the rest of *out), a
// silent client, a closed or failed socket, TLS, a connection not yet authenticated, or an
// action other than kContinue.
void PgServer::Impl::QuickTurns(Conn& c, std::string& in, std::string* out,
                                PgConnection::Action* action) {
  if (c.tls != nullptr) {
    return;
  }
  const timespec wait{0, static_cast<long>(kQuickTurnWait.count()) * 1000};
  while (*action == PgConnection::Action::kContinue && c.protocol->authenticated()) {
    ssize_t n = 0;
    {
      std::lock_guard<std::mutex> lock(c.fd_mu);
      if (c.closed) {
        return;
      }
      int fd = c.stream.socket().native_handle();
      size_t sent = 0;
      while (sent < out->size()) {
        ssize_t w = ::send(fd, out->data() + sent, out->size() - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) {
          continue;
        }
        if (w <= 0) {
          break;
        }
        sent += static_cast<size_t>(w);
      }
      out->erase(0, sent);
      if (!out->empty()) {
        return;
      }
      pollfd p{fd, POLLIN, 0};
      if (::ppoll(&p, 1, &wait, nullptr) != 1 || (p.revents & POLLIN) == 0) {
        return;
      }
      n = ::recv(fd, in.data(), in.size(), MSG_DONTWAIT);
      if (n <= 0) {
        return;  // end of stream or an error: Serve's next read reports it
      }
    }
    *action = c.protocol->OnBytes(std::string_view(in.data(), static_cast<size_t>(n)), out);
  }
}

asio::awaitable<void> PgServer::Impl::Serve(std::shared_ptr<Conn> c, uint64_t id) {
  Clock::time_point startup_deadline = Clock::now() + options_.startup_timeout;
  beast::error_code ec;
  tcp::endpoint peer = c->stream.socket().remote_endpoint(ec);
  ConnectionInfo info;
  info.loopback = !ec && IsLoopback(peer);
  info.tls_available = tls_context_ != nullptr;
  info.peer = ec ? "unknown" : FormatEndpoint(peer);
  c->protocol = std::make_unique<PgConnection>(state_.get(), std::move(info));

  std::string in(kReadBuffer, '\0');
  std::string out;
  for (;;) {
    SetReadDeadline(*c, startup_deadline);
    size_t n = 0;
    if (c->tls != nullptr) {
      n = co_await c->tls->async_read_some(asio::buffer(in),
                                           asio::redirect_error(asio::use_awaitable, ec));
    } else {
      n = co_await c->stream.async_read_some(asio::buffer(in),
                                             asio::redirect_error(asio::use_awaitable, ec));
    }
    if (ec) {
      break;  // closed by the peer, timed out, or closed by Stop
    }
    out.clear();
    PgConnection::Action action = PgConnection::Action::kClose;
    auto work = [&] {
      action = c->protocol->OnBytes(std::string_view(in.data(), n), &out);
      QuickTurns(*c, in, &out, &action);
    };
    co_await Offload(*pool_, work);
    if (!out.empty() && !co_await WriteAll(*c, out)) {
      break;
    }
    if (action == PgConnection::Action::kClose) {
      break;
    }
    if (action == PgConnection::Action::kStartTls && !co_await StartTls(*c, startup_deadline)) {
      break;
    }
  }
  auto close = [&] { c->protocol->Close(); };
  co_await Offload(*pool_, close);
  c->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  c->stream.close();
  Forget(id);
}

void PgServer::Impl::Forget(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  conns_.erase(id);
  if (conns_.empty()) {
    closed_cv_.notify_all();
  }
}

void PgServer::Impl::Stop(std::chrono::milliseconds grace) {
  if (!started_) {
    return;
  }
  started_ = false;
  std::vector<std::shared_ptr<Conn>> open;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    for (auto& [id, weak] : conns_) {
      if (auto c = weak.lock()) {
        open.push_back(std::move(c));
      }
    }
  }
  asio::post(acceptor_->get_executor(), [this] {
    beast::error_code ec;
    acceptor_->close(ec);
  });
  // Closing a socket ends a connection's read at once; a connection whose statement is running
  // (a commit waiting for its fsync) finishes it first and then finds its socket closed.
  for (std::shared_ptr<Conn>& c : open) {
    asio::post(c->stream.get_executor(), [c] {
      beast::error_code ec;
      // The shutdown also wakes a pool thread waiting in QuickTurns, which then lets go of
      // fd_mu.
      c->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
      std::lock_guard<std::mutex> lock(c->fd_mu);
      c->closed = true;
      c->stream.socket().close(ec);
    });
  }
  open.clear();
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!closed_cv_.wait_for(lock, grace, [this] { return conns_.empty(); })) {
      Log().info("pgwire stop: cancelling statements still running after {} ms", grace.count());
      state_->CancelAll();
      closed_cv_.wait(lock, [this] { return conns_.empty(); });
    }
  }
  work_.reset();
  io_.stop();
  for (std::thread& t : threads_) {
    t.join();
  }
  threads_.clear();
  pool_.reset();
  acceptor_.reset();
  port_.store(0, std::memory_order_release);
  Log().info("pgwire stopped");
}

PgServer::PgServer(PgServerOptions options, sql::Database* db, PgServerObserver* observer)
    : impl_(std::make_unique<Impl>(std::move(options), db, observer)) {}

PgServer::~PgServer() = default;

Status PgServer::Start() { return impl_->Start(); }

void PgServer::Stop(std::chrono::milliseconds grace) { impl_->Stop(grace); }

uint16_t PgServer::port() const { return impl_->port(); }

uint32_t PgServer::sessions() const { return impl_->sessions(); }

}  // namespace blockdb::pgwire
