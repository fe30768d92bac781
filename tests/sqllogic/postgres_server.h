// PostgresServer: a throwaway PostgreSQL cluster in a temporary directory, for differential
// tests. initdb (locale C, UTF8, trust authentication, superuser "blockdb"), then `postgres`
// listening only on a Unix socket in that directory, under a port number that was free when
// picked. Run as root, both run as the postgres user (PostgreSQL refuses root).
//
// The server is this process's child: it is told to stop (fast shutdown) when the object is
// destroyed, and killed by the kernel if this process dies first. Not thread-safe.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "common/status.h"

namespace blockdb::sqllogic {

class PostgresServer {
 public:
  // NotFound when bindir/initdb or bindir/postgres is missing, or when running as root without
  // a postgres user. IOError with the server's log when initdb fails or the server does not
  // accept connections within a minute.
  static Result<std::unique_ptr<PostgresServer>> Start(const std::string& bindir);

  // Stops the server and removes the directory.
  ~PostgresServer();

  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // libpq connection string for database `dbname` as the superuser.
  std::string ConnInfo(const std::string& dbname) const;

 private:
  PostgresServer() = default;

  Status Init(const std::string& bindir);
  Status RunInitdb(const std::string& bindir);
  Status StartPostgres(const std::string& bindir);
  Status WaitUntilReady();
  void Stop();

  std::string dir_;  // temporary directory: data/, logs, and the socket
  int port_ = 0;
  pid_t pid_ = -1;
  bool as_postgres_user_ = false;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
};

}  // namespace blockdb::sqllogic
