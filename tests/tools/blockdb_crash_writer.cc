// blockdb_crash_writer: the process the crash-loop test (tests/crash/crash_loop_test.cc) kills.
//
//   blockdb_crash_writer <db_dir> <acked_file> <cycle> [threads] [ledger]
//
// Opens the DB in <db_dir> (SyncMode::kAlways) and writes the batches of crash_workload.h for
// <cycle> forever from [threads] writer threads (default 3, so that commits group). After each
// acknowledged Write it appends "<cycle> <batch>\n" to <acked_file> and fsyncs that file, then
// prints "acked <n>\n" (n = acknowledgements so far) so that the test can wait for progress.
// Batch 0 is written and acknowledged before the threads start (the duplicate batches refer to
// it). Exits 1 with a message on any unexpected engine result.
//
// With the word "ledger" as fifth argument the engine is opened through LedgerDB (blocks of
// crash_workload::kLedgerBatchSize entries) and every writer also logs a seal command after each
// batch whose number IsSealBatch, so that kills land in block closes too.

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/env.h"
#include "crash_workload.h"
#include "engine/db.h"
#include "engine/ledger_db.h"

namespace blockdb {
namespace {

class AckLog {
 public:
  explicit AckLog(std::unique_ptr<WritableFile> file) : file_(std::move(file)) {}

  // Records an acknowledged batch durably, then reports progress on stdout.
  void Record(uint64_t cycle, uint64_t batch) {
    std::lock_guard<std::mutex> lock(mu_);
    std::string line = std::to_string(cycle) + " " + std::to_string(batch) + "\n";
    Status s = file_->Append(line);
    if (s.ok()) {
      s = file_->Sync();
    }
    if (!s.ok()) {
      Die("acked file: " + s.ToString());
    }
    std::printf("acked %llu\n", static_cast<unsigned long long>(++count_));
    std::fflush(stdout);
  }

  [[noreturn]] static void Die(const std::string& why) {
    std::fprintf(stderr, "blockdb_crash_writer: %s\n", why.c_str());
    std::exit(1);
  }

 private:
  std::mutex mu_;
  std::unique_ptr<WritableFile> file_;
  uint64_t count_ = 0;
};

void WriteBatchOrDie(DB* db, AckLog* acks, uint64_t cycle, uint64_t batch) {
  Result<uint64_t> r = db->Write(crash_workload::MakeBatch(cycle, batch));
  if (crash_workload::IsDuplicateBatch(batch)) {
    if (!r.status().IsDuplicateKey()) {
      AckLog::Die("batch " + std::to_string(batch) +
                  " should be a duplicate: " + r.status().ToString());
    }
    return;
  }
  if (!r.ok()) {
    AckLog::Die("batch " + std::to_string(batch) + ": " + r.status().ToString());
  }
  acks->Record(cycle, batch);
}

// Writes a batch, then (with the ledger on) a seal every few batches.
void WriteStep(DB* db, bool ledger, AckLog* acks, uint64_t cycle, uint64_t batch) {
  WriteBatchOrDie(db, acks, cycle, batch);
  if (ledger && crash_workload::IsSealBatch(batch)) {
    Result<uint64_t> sealed = db->Seal(0);
    if (!sealed.ok()) {
      AckLog::Die("seal after batch " + std::to_string(batch) + ": " + sealed.status().ToString());
    }
  }
}

int Run(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s <db_dir> <acked_file> <cycle> [threads] [ledger]\n", argv[0]);
    return 2;
  }
  uint64_t cycle = std::strtoull(argv[3], nullptr, 10);
  int threads = argc > 4 ? std::atoi(argv[4]) : 3;
  const bool ledger = argc > 5 && std::string(argv[5]) == "ledger";
  Result<std::unique_ptr<WritableFile>> acked = Env::Default()->NewAppendableFile(argv[2]);
  if (!acked.ok()) {
    AckLog::Die(acked.status().ToString());
  }
  AckLog acks(std::move(acked).value());
  std::unique_ptr<DB> plain;
  std::unique_ptr<LedgerDB> with_ledger;
  if (ledger) {
    Result<std::unique_ptr<LedgerDB>> opened =
        LedgerDB::Open(crash_workload::CrashLedgerOptions(argv[1]));
    if (!opened.ok()) {
      AckLog::Die("open: " + opened.status().ToString());
    }
    with_ledger = std::move(opened).value();
  } else {
    Result<std::unique_ptr<DB>> opened = DB::Open(crash_workload::CrashEngineOptions(argv[1]));
    if (!opened.ok()) {
      AckLog::Die("open: " + opened.status().ToString());
    }
    plain = std::move(opened).value();
  }
  DB* db = ledger ? with_ledger->db() : plain.get();
  WriteStep(db, ledger, &acks, cycle, 0);
  std::atomic<uint64_t> next_batch{1};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      while (true) {  // until killed
        WriteStep(db, ledger, &acks, cycle, next_batch.fetch_add(1));
      }
    });
  }
  for (auto& w : workers) {
    w.join();
  }
  return 0;
}

}  // namespace
}  // namespace blockdb

int main(int argc, char** argv) { return blockdb::Run(argc, argv); }
