// TamperingProxy: a TCP proxy in front of a PostgreSQL-protocol server that rewrites bytes inside
// the DataRow messages the server sends: a server (or a network) that lies about one value of a
// result, for tests of clients that must notice. Everything else passes unchanged.
//
// The client must not ask for TLS or GSS encryption (sslmode=disable, gssencmode=disable): the
// proxy parses the server's stream as plain protocol messages.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace blockdb::testing {

class TamperingProxy {
 public:
  // Listens on 127.0.0.1 (a port the kernel picks) and forwards each connection to
  // 127.0.0.1:target_port. In every DataRow ('D') message from the server, each occurrence of
  // `from` is replaced by `to` (same length, so the message lengths stay right).
  TamperingProxy(uint16_t target_port, std::string from, std::string to)
      : target_port_(target_port), from_(std::move(from)), to_(std::move(to)) {
    REQUIRE(from_.size() == to_.size());
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(listen_fd_ >= 0);
    sockaddr_in addr = Loopback(0);
    REQUIRE(bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    REQUIRE(listen(listen_fd_, 16) == 0);
    socklen_t len = sizeof(addr);
    REQUIRE(getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
    accept_thread_ = std::thread([this] { AcceptLoop(); });
  }

  ~TamperingProxy() {
    stop_ = true;
    accept_thread_.join();  // no connection is added after this
    for (int fd : fds_) {
      shutdown(fd, SHUT_RDWR);  // wakes the forwarding threads
    }
    for (std::thread& t : threads_) {
      t.join();
    }
    for (int fd : fds_) {
      close(fd);
    }
    close(listen_fd_);
  }

  TamperingProxy(const TamperingProxy&) = delete;
  TamperingProxy& operator=(const TamperingProxy&) = delete;

  uint16_t port() const { return port_; }
  // DataRow messages changed so far.
  int rewritten() const { return rewritten_.load(); }

 private:
  static sockaddr_in Loopback(uint16_t port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
  }

  static bool WriteAll(int fd, const char* data, size_t size) {
    while (size > 0) {
      const ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
      if (n <= 0) {
        return false;
      }
      data += n;
      size -= static_cast<size_t>(n);
    }
    return true;
  }

  void AcceptLoop() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) {
        continue;
      }
      const int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) {
        continue;
      }
      const int server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in addr = Loopback(target_port_);
      if (server < 0 || connect(server, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        close(client);
        if (server >= 0) close(server);
        continue;
      }
      std::lock_guard<std::mutex> lock(mu_);
      fds_.push_back(client);
      fds_.push_back(server);
      threads_.emplace_back([client, server] { CopyRaw(client, server); });
      threads_.emplace_back([this, client, server] { CopyMessages(server, client); });
    }
  }

  static void CopyRaw(int from, int to) {
    char buf[8192];
    ssize_t n;
    while ((n = recv(from, buf, sizeof(buf), 0)) > 0 && WriteAll(to, buf, static_cast<size_t>(n))) {
    }
    shutdown(to, SHUT_WR);
  }

  // Server to client, one message at a time: type byte, 4-byte big-endian length, body.
  void CopyMessages(int from, int to) {
    std::string buffer;
    char buf[8192];
    ssize_t n;
    while ((n = recv(from, buf, sizeof(buf), 0)) > 0) {
      buffer.append(buf, static_cast<size_t>(n));
      while (buffer.size() >= 5) {
        uint32_t len = 0;
        std::memcpy(&len, buffer.data() + 1, 4);
        const size_t total = 1 + static_cast<size_t>(ntohl(len));
        if (buffer.size() < total) {
          break;
        }
        std::string message = buffer.substr(0, total);
        buffer.erase(0, total);
        if (message[0] == 'D') {
          bool changed = false;
          for (size_t at = message.find(from_); at != std::string::npos;
               at = message.find(from_, at + to_.size())) {
            message.replace(at, from_.size(), to_);
            changed = true;
          }
          rewritten_ += changed ? 1 : 0;
        }
        if (!WriteAll(to, message.data(), message.size())) {
          return;
        }
      }
    }
    shutdown(to, SHUT_WR);
  }

  const uint16_t target_port_;
  const std::string from_;
  const std::string to_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> rewritten_{0};
  std::thread accept_thread_;
  std::mutex mu_;
  std::vector<int> fds_;              // appended by the accept loop (under mu_)
  std::vector<std::thread> threads_;  // forwarding threads, appended by the accept loop
};

}  // namespace blockdb::testing
