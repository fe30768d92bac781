// blockdb-bench-sql: the SQL layer through the Session API, against PostgreSQL 15 on the same
// data in the same run. Never fails on a time.
//
//   1. Statement cost at the Session API (no network): a point SELECT by primary key and a
//      single-row durable INSERT, both prepared once and then bound and executed (the statement
//      cache), and the point SELECT as a simple query (parse + plan + execute each time). Each
//      line also gives the CPU time of the thread running the statements, which a busy machine
//      does not inflate as it does wall time.
//   2. Over `--rows` rows (default 10^6) of (id BIGINT PRIMARY KEY, account INT, amount
//      NUMERIC(12,2), note TEXT) loaded into both: full-scan aggregates and primary-key range
//      scans of 100 rows, BlockDB through its Session API, PostgreSQL through libpq on a Unix
//      socket (the client/server hop is part of PostgreSQL's figure; BlockDB's wire server adds
//      its own, measured by the pgbench benchmark of the wire issue). The rows are loaded twice
//      into each system: with 1000-row INSERT statements (the table the queries read), and with
//      COPY FROM STDIN in text format into a second table (sent in 64 KiB pieces); both loads
//      are timed.
//
//   blockdb-bench-sql [--rows N] [--ops N] [--no-postgres] [--pg-bindir DIR] [--point-only]
//
// --point-only loads the rows and runs only the two point-SELECT tests (no PostgreSQL), so that
// a profiler (callgrind, perf) sees little besides the statement path.
#include <libpq-fe.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "engine/ledger_db.h"
#include "postgres_server.h"
#include "sql/session.h"

namespace blockdb::bench {
namespace {

struct Args {
  uint64_t rows = 1000000;
  uint64_t ops = 20000;
  bool postgres = true;
  bool point_only = false;
  std::string pg_bindir = "/usr/lib/postgresql/15/bin";
};

double NowSeconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

void Die(const std::string& what) {
  std::fprintf(stderr, "blockdb-bench-sql: %s\n", what.c_str());
  std::exit(1);
}

void Check(const Status& s, const std::string& what) {
  if (!s.ok()) Die(what + ": " + s.ToString());
}

// Runs `sql` on the session and returns the rows of the last result.
std::vector<std::vector<sql::Value>> Run(sql::Session& s, const std::string& sql) {
  std::vector<std::vector<sql::Value>> rows;
  Check(s.ExecuteSimple(sql, [&](sql::StatementResult&& r) { rows = std::move(r.rows); }), sql);
  return rows;
}

std::string RowValues(uint64_t i) {
  char buf[160];
  std::snprintf(buf, sizeof(buf), "(%llu, %llu, %llu.%02llu, 'note %llu for the ledger row')",
                static_cast<unsigned long long>(i), static_cast<unsigned long long>(i % 1000),
                static_cast<unsigned long long>(i % 10007), static_cast<unsigned long long>(i % 100),
                static_cast<unsigned long long>(i));
  return buf;
}

// The same row as a line of COPY's text format.
std::string CopyLine(uint64_t i) {
  char buf[160];
  std::snprintf(buf, sizeof(buf), "%llu\t%llu\t%llu.%02llu\tnote %llu for the ledger row\n",
                static_cast<unsigned long long>(i), static_cast<unsigned long long>(i % 1000),
                static_cast<unsigned long long>(i % 10007),
                static_cast<unsigned long long>(i % 100), static_cast<unsigned long long>(i));
  return buf;
}

// The benchmark's table, created under `name`.
std::string CreateTable(const std::string& name) {
  return "CREATE TABLE " + name +
         " (id BIGINT PRIMARY KEY, account INT NOT NULL, amount NUMERIC(12,2) NOT NULL, "
         "note TEXT)";
}

// Loads rows [0, n) in statements of 1000 rows.
template <typename Exec>
double Load(uint64_t n, Exec exec) {
  double t0 = NowSeconds();
  for (uint64_t first = 0; first < n; first += 1000) {
    std::string sql = "INSERT INTO ledger_rows VALUES ";
    for (uint64_t i = first; i < std::min(n, first + 1000); ++i) {
      if (i > first) sql += ',';
      sql += RowValues(i);
    }
    exec(sql);
  }
  return NowSeconds() - t0;
}

// CPU time of the calling thread, which runs every Session call (the engine reads on it too):
// unlike wall time, it does not grow when other processes share the machine.
double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Timing {
  double seconds = 0;
  uint64_t ops = 0;
  double cpu_seconds = 0;
  double PerOpMicros() const { return seconds * 1e6 / static_cast<double>(ops); }
  double CpuPerOpMicros() const { return cpu_seconds * 1e6 / static_cast<double>(ops); }
};

Timing Repeat(uint64_t ops, const std::function<void(uint64_t)>& op) {
  double t0 = NowSeconds();
  double c0 = ThreadCpuSeconds();
  for (uint64_t i = 0; i < ops; ++i) op(i);
  return Timing{NowSeconds() - t0, ops, ThreadCpuSeconds() - c0};
}

void Print(const char* what, const Timing& b, const Timing* pg) {
  if (pg == nullptr) {
    std::printf("%-44s blockdb %10.1f us/op   (CPU %.1f us/op)\n", what, b.PerOpMicros(),
                b.CpuPerOpMicros());
    return;
  }
  std::printf("%-44s blockdb %10.1f us/op   postgres %10.1f us/op   ratio %.2fx\n", what,
              b.PerOpMicros(), pg->PerOpMicros(), pg->PerOpMicros() / b.PerOpMicros());
}

class Postgres {
 public:
  explicit Postgres(const std::string& bindir) {
    auto server = sqllogic::PostgresServer::Start(bindir);
    if (!server.ok()) Die("PostgreSQL: " + server.status().ToString());
    server_ = std::move(server).value();
    conn_ = PQconnectdb(server_->ConnInfo("postgres").c_str());
    if (PQstatus(conn_) != CONNECTION_OK) Die(std::string("PostgreSQL: ") + PQerrorMessage(conn_));
  }
  ~Postgres() { PQfinish(conn_); }
  void Exec(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      Die("PostgreSQL: " + sql.substr(0, 80) + ": " + PQresultErrorMessage(r));
    }
    PQclear(r);
  }
  void Prepare(const char* name, const char* sql) {
    PGresult* r = PQprepare(conn_, name, sql, 0, nullptr);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) Die(PQresultErrorMessage(r));
    PQclear(r);
  }
  // COPY ... FROM STDIN with `data` sent in pieces of `chunk` bytes.
  void CopyIn(const std::string& copy, const std::string& data, size_t chunk) {
    PGresult* r = PQexec(conn_, copy.c_str());
    if (PQresultStatus(r) != PGRES_COPY_IN) Die(PQresultErrorMessage(r));
    PQclear(r);
    for (size_t at = 0; at < data.size(); at += chunk) {
      const size_t n = std::min(chunk, data.size() - at);
      if (PQputCopyData(conn_, data.data() + at, static_cast<int>(n)) != 1) {
        Die(PQerrorMessage(conn_));
      }
    }
    if (PQputCopyEnd(conn_, nullptr) != 1) Die(PQerrorMessage(conn_));
    while ((r = PQgetResult(conn_)) != nullptr) {
      if (PQresultStatus(r) != PGRES_COMMAND_OK) Die(PQresultErrorMessage(r));
      PQclear(r);
    }
  }
  int ExecPrepared(const char* name, const std::vector<std::string>& params) {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    PGresult* r = PQexecPrepared(conn_, name, static_cast<int>(values.size()), values.data(),
                                 nullptr, nullptr, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) Die(PQresultErrorMessage(r));
    int n = PQntuples(r);
    PQclear(r);
    return n;
  }

 private:
  std::unique_ptr<sqllogic::PostgresServer> server_;
  PGconn* conn_ = nullptr;
};

Args ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Die("missing value for " + arg);
      return argv[++i];
    };
    if (arg == "--rows") {
      a.rows = std::stoull(next());
    } else if (arg == "--ops") {
      a.ops = std::stoull(next());
    } else if (arg == "--no-postgres") {
      a.postgres = false;
    } else if (arg == "--pg-bindir") {
      a.pg_bindir = next();
    } else if (arg == "--point-only") {
      a.point_only = true;
      a.postgres = false;
    } else if (arg == "--help" || arg == "-h") {
      std::printf(
          "usage: blockdb-bench-sql [--rows N] [--ops N] [--no-postgres] [--pg-bindir DIR] "
          "[--point-only]\n");
      std::exit(0);
    } else {
      Die("unknown argument " + arg);
    }
  }
  return a;
}

int Main(int argc, char** argv) {
  Args args = ParseArgs(argc, argv);
  std::string dir = std::filesystem::temp_directory_path() /
                    ("blockdb-bench-sql-" + std::to_string(getpid()));
  LedgerDBOptions options;
  options.engine.dir = dir;
  auto ledger = LedgerDB::Open(options);
  Check(ledger.status(), "open");
  auto db = sql::Database::Open(ledger->get());
  Check(db.status(), "catalog");
  sql::Session s(db->get(), sql::SessionOptions{});
  std::unique_ptr<Postgres> pg;
  if (args.postgres) pg = std::make_unique<Postgres>(args.pg_bindir);

  std::printf("blockdb-bench-sql: %llu rows, %llu operations per statement test\n",
              static_cast<unsigned long long>(args.rows),
              static_cast<unsigned long long>(args.ops));
  Run(s, CreateTable("ledger_rows"));
  if (pg) pg->Exec(CreateTable("ledger_rows"));
  double bl = Load(args.rows, [&](const std::string& sql) { Run(s, sql); });
  std::printf("%-44s blockdb %10.2f s", "load (1000-row INSERTs)", bl);
  if (pg) {
    double pl = Load(args.rows, [&](const std::string& sql) { pg->Exec(sql); });
    pg->Exec("VACUUM ANALYZE ledger_rows");
    std::printf("   postgres %10.2f s   ratio %.2fx", pl, pl / bl);
  }
  std::printf("\n");
  {
    // The same rows through COPY FROM STDIN (text format) into a table of their own, in 64 KiB
    // pieces as psql's \copy sends them.
    const std::string create_copy = CreateTable("copy_rows");
    const char kCopy[] = "COPY copy_rows FROM STDIN";
    constexpr size_t kChunk = 64 << 10;
    std::string data;
    for (uint64_t i = 0; i < args.rows; ++i) {
      data += CopyLine(i);
    }
    Run(s, create_copy);
    const double c0 = NowSeconds();
    Run(s, kCopy);
    for (size_t at = 0; at < data.size(); at += kChunk) {
      Check(s.CopyData(std::string_view(data).substr(at, kChunk)), "copy data");
    }
    Check(s.CopyDone().status(), "copy");
    const double bc = NowSeconds() - c0;
    std::printf("%-44s blockdb %10.2f s", "load (COPY FROM STDIN, text)", bc);
    if (pg) {
      pg->Exec(create_copy);
      const double p0 = NowSeconds();
      pg->CopyIn(kCopy, data, kChunk);
      const double pc = NowSeconds() - p0;
      std::printf("   postgres %10.2f s   ratio %.2fx", pc, pc / bc);
    }
    std::printf("\n");
  }
  Check((*ledger)->db()->CompactAll(), "compact");

  std::mt19937_64 rng(42);
  auto key = [&]() { return std::to_string(rng() % args.rows); };

  // 1. Statement cost at the Session API.
  Check(s.Prepare("point", "SELECT note FROM ledger_rows WHERE id = $1", {std::nullopt}), "prep");
  Timing prepared = Repeat(args.ops, [&](uint64_t) {
    Check(s.Bind("", "point", {sql::Value::Int8(static_cast<int64_t>(rng() % args.rows))}), "b");
    auto r = s.Execute("", 0);
    Check(r.status(), "execute");
    if (r->rows.size() != 1) Die("point SELECT found no row");
  });
  Timing simple = Repeat(args.ops, [&](uint64_t) {
    Run(s, "SELECT note FROM ledger_rows WHERE id = " + key());
  });
  Print("point SELECT, prepared (Session API)", prepared, nullptr);
  Print("point SELECT, simple query (Session API)", simple, nullptr);
  if (args.point_only) {
    (*ledger)->Close().ok();
    std::filesystem::remove_all(dir);
    return 0;
  }
  Check(s.Prepare("ins", "INSERT INTO ledger_rows VALUES ($1, $2, $3, $4)",
                  {std::nullopt, std::nullopt, std::nullopt, std::nullopt}),
        "prep insert");
  uint64_t ins_ops = std::min<uint64_t>(args.ops, 2000);
  Timing insert = Repeat(ins_ops, [&](uint64_t i) {
    int64_t id = static_cast<int64_t>(args.rows + i);
    Check(s.Bind("", "ins",
                 {sql::Value::Int8(id), sql::Value::Int4(7),
                  *sql::ParseValue("1.25", sql::Type::Numeric(12, 2)),
                  sql::Value::Text("inserted")}),
          "bind insert");
    Check(s.Execute("", 0).status(), "insert");
  });
  Print("durable single-row INSERT, prepared (Session)", insert, nullptr);

  // 2. Analytics against PostgreSQL, after the inserts above are compacted too (a compaction
  // running meanwhile would take one of the cores from the queries).
  Check((*ledger)->db()->CompactAll(), "compact");
  struct Named {
    const char* name;
    const char* sql;
  };
  const Named kAggregates[] = {
      {"full-scan count/sum/avg/min/max",
       "SELECT count(*), sum(amount), avg(amount), min(id), max(id) FROM ledger_rows"},
      {"full-scan GROUP BY account % 10",
       "SELECT account % 10, count(*), sum(amount) FROM ledger_rows GROUP BY account % 10"},
  };
  // One untimed run of each query on each system first, so that both are measured warm: the
  // compaction above left BlockDB's block cache cold, and PostgreSQL's first scan after a bulk
  // load sets hint bits on every page.
  for (const Named& q : kAggregates) {
    Run(s, q.sql);
    if (pg) pg->Exec(q.sql);
  }
  for (const Named& q : kAggregates) {
    // Both with their default settings: BlockDB's parallel scan and PostgreSQL's parallel
    // workers (max_parallel_workers_per_gather = 2) where the query allows them.
    Timing b = Repeat(3, [&](uint64_t) { Run(s, q.sql); });
    Timing p;
    if (pg) p = Repeat(3, [&](uint64_t) { pg->Exec(q.sql); });
    Print(q.name, b, pg ? &p : nullptr);
  }
  // The same on one thread each, to show what the parallel scans contribute.
  Run(s, "SET max_parallel_workers_per_gather = 0");
  if (pg) pg->Exec("SET max_parallel_workers_per_gather = 0");
  for (const Named& q : kAggregates) {
    Timing b = Repeat(3, [&](uint64_t) { Run(s, q.sql); });
    Timing p;
    if (pg) p = Repeat(3, [&](uint64_t) { pg->Exec(q.sql); });
    Print((std::string(q.name) + ", 1 thread").c_str(), b, pg ? &p : nullptr);
  }
  Run(s, "RESET max_parallel_workers_per_gather");
  if (pg) pg->Exec("RESET max_parallel_workers_per_gather");
  if (pg) pg->Prepare("range", "SELECT * FROM ledger_rows WHERE id >= $1 AND id < $1 + 100");
  Check(s.Prepare("range", "SELECT * FROM ledger_rows WHERE id >= $1 AND id < $1 + 100",
                  {std::nullopt}),
        "prep range");
  uint64_t range_ops = std::min<uint64_t>(args.ops, 5000);
  Timing br = Repeat(range_ops, [&](uint64_t) {
    int64_t from = static_cast<int64_t>(rng() % (args.rows - 100));
    Check(s.Bind("", "range", {sql::Value::Int8(from)}), "bind range");
    auto r = s.Execute("", 0);
    Check(r.status(), "range");
    if (r->rows.size() != 100) Die("range scan returned " + std::to_string(r->rows.size()));
  });
  Timing pr;
  if (pg) {
    pr = Repeat(range_ops, [&](uint64_t) {
      if (pg->ExecPrepared("range", {std::to_string(rng() % (args.rows - 100))}) != 100) {
        Die("PostgreSQL range scan returned the wrong row count");
      }
    });
  }
  Print("primary-key range scan, 100 rows, prepared", br, pg ? &pr : nullptr);
  (*ledger)->Close().ok();
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace blockdb::bench

int main(int argc, char** argv) { return blockdb::bench::Main(argc, argv); }
