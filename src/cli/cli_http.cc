// HttpGet (cli_online.h): one GET to the HTTP sidecar over a plain TCP socket, with a deadline for
// the whole exchange. The sidecar always sends Content-Length (docs/protocol/http.md); the body is
// read to the end of the stream in any case, since the request says "Connection: close".
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cli/cli_commands.h"
#include "cli/cli_online.h"

namespace blockdb::cli {
namespace {

using Clock = std::chrono::steady_clock;

int MillisLeft(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Connects a non-blocking socket to one address before the deadline; the fd, or -1 with errno
// set (ETIMEDOUT at the deadline).
int ConnectOne(const addrinfo* ai, Clock::time_point deadline) {
  const int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return -1;
  }
  if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
    return fd;
  }
  if (errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    const int ready = poll(&p, 1, MillisLeft(deadline));
    int error = ETIMEDOUT;
    socklen_t len = sizeof(error);
    if (ready > 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0) {
      return fd;
    }
    errno = ready > 0 ? error : ETIMEDOUT;
  }
  const int saved = errno;
  close(fd);
  errno = saved;
  return -1;
}

Expected<int> Connect(const HttpTarget& target, Clock::time_point deadline,
                      const std::string& where) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  const std::string port = std::to_string(target.port);
  if (const int rc = getaddrinfo(target.host.c_str(), port.c_str(), &hints, &list); rc != 0) {
    return Failure{kExitUnreachable,
                   "cannot connect to the HTTP port " + where + ": " + gai_strerror(rc)};
  }
  int fd = -1;
  int error = 0;
  for (const addrinfo* ai = list; ai != nullptr && fd < 0; ai = ai->ai_next) {
    fd = ConnectOne(ai, deadline);
    error = errno;
  }
  freeaddrinfo(list);
  if (fd < 0) {
    return Failure{kExitUnreachable,
                   "cannot connect to the HTTP port " + where + ": " + std::strerror(error)};
  }
  return fd;
}

bool SendAll(int fd, std::string_view bytes, Clock::time_point deadline) {
  while (!bytes.empty()) {
    const ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      return false;
    }
    pollfd p{fd, POLLOUT, 0};
    if (poll(&p, 1, MillisLeft(deadline)) <= 0) {
      errno = ETIMEDOUT;
      return false;
    }
  }
  return true;
}

// Reads until the peer closes. False on an error or at the deadline.
bool ReadAll(int fd, std::string* out, Clock::time_point deadline) {
  char buf[16384];
  for (;;) {
    const ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n > 0) {
      out->append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) {
      return true;
    }
    if (errno != EAGAIN && errno != EINTR) {
      return false;
    }
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, MillisLeft(deadline)) <= 0) {
      errno = ETIMEDOUT;
      return false;
    }
  }
}

// "HTTP/1.1 200 OK\r\n...\r\n\r\nbody" -> status and body.
Expected<HttpAnswer> ParseAnswer(const std::string& raw, const std::string& where) {
  const size_t end = raw.find("\r\n\r\n");
  HttpAnswer answer;
  if (!raw.starts_with("HTTP/1.") || end == std::string::npos || raw.size() < 12 ||
      std::sscanf(raw.c_str() + 9, "%3d", &answer.status) != 1) {
    return Failure{kExitServer, "the HTTP port " + where + " did not answer in HTTP"};
  }
  answer.body = raw.substr(end + 4);
  return answer;
}

}  // namespace

Expected<HttpAnswer> HttpGet(const HttpTarget& target, const std::string& path) {
  const bool v6 = target.host.find(':') != std::string::npos;
  const std::string host = v6 ? "[" + target.host + "]" : target.host;
  const std::string where = host + ":" + std::to_string(target.port);
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(target.timeout_s);
  int fd = -1;
  CLI_TAKE_OR_RETURN(fd, Connect(target, deadline, where));
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + where +
                        "\r\nUser-Agent: blockdb-cli\r\nConnection: close\r\n";
  if (!target.token.empty()) {
    request += "Authorization: Bearer " + target.token + "\r\n";
  }
  request += "\r\n";
  std::string raw;
  const bool ok = SendAll(fd, request, deadline) && ReadAll(fd, &raw, deadline);
  const int error = errno;
  close(fd);
  if (!ok) {
    return Failure{kExitUnreachable,
                   "the HTTP port " + where + " did not answer: " + std::strerror(error)};
  }
  return ParseAnswer(raw, where);
}

}  // namespace blockdb::cli
