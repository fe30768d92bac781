#include "server/engine_metrics.h"

#include <string>

namespace blockdb {
namespace {

void Add(std::vector<MetricFamilySnapshot>* out, std::string name, std::string help,
         MetricType type, uint64_t value) {
  out->push_back(SingleValue(std::move(name), std::move(help), type, static_cast<double>(value)));
}

template <typename Array>
void AddPerLevel(std::vector<MetricFamilySnapshot>* out, std::string name, std::string help,
                 const Array& values) {
  MetricFamilySnapshot family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = MetricType::kGauge;
  family.label_names = {"level"};
  for (size_t level = 0; level < values.size(); ++level) {
    family.samples.push_back(
        MetricSample{{std::to_string(level)}, static_cast<double>(values[level]), {}, 0});
  }
  out->push_back(std::move(family));
}

}  // namespace

void AppendEngineMetrics(const EngineStats& s, std::vector<MetricFamilySnapshot>* out) {
  constexpr MetricType kGauge = MetricType::kGauge;
  constexpr MetricType kCounter = MetricType::kCounter;
  Add(out, "blockdb_engine_applied_index", "Index of the last log record applied.", kGauge,
      s.applied_index);
  Add(out, "blockdb_engine_memtable_bytes", "Bytes in the memtables (active and immutable).",
      kGauge, s.memtable_bytes);
  AddPerLevel(out, "blockdb_engine_sstable_files", "SSTable files per level.", s.files_per_level);
  AddPerLevel(out, "blockdb_engine_sstable_bytes", "SSTable bytes per level.", s.bytes_per_level);
  Add(out, "blockdb_engine_log_bytes", "Current size of the log segments on disk.", kGauge,
      s.log_bytes);
  Add(out, "blockdb_engine_log_segments", "Log segment files on disk.", kGauge, s.log_segments);
  Add(out, "blockdb_engine_log_written_bytes_total", "Payload bytes appended to the log.", kCounter,
      s.log_bytes_written);
  Add(out, "blockdb_engine_user_written_bytes_total",
      "Key and value bytes of the write batches accepted.", kCounter, s.user_bytes_written);
  Add(out, "blockdb_engine_commit_groups_total",
      "Log appends, one per group of concurrent commits.", kCounter, s.commit_groups);
  Add(out, "blockdb_engine_commit_group_records_total", "Records written in commit groups.",
      kCounter, s.group_records);
  Add(out, "blockdb_engine_commit_group_max_records", "Largest number of records in one group.",
      kGauge, s.max_group_size);
  Add(out, "blockdb_engine_queued_writes", "Writes waiting in or leading the commit queue.", kGauge,
      s.queued_writes);
  Add(out, "blockdb_engine_log_fsyncs_total", "fsyncs of the log.", kCounter, s.fsyncs);
  Add(out, "blockdb_engine_write_stalls_total",
      "Times a writer waited for a flush to free memtable space.", kCounter, s.write_stalls);
  Add(out, "blockdb_engine_flushes_total", "Memtables flushed to level-0 SSTables.", kCounter,
      s.flushes);
  Add(out, "blockdb_engine_flush_written_bytes_total", "SSTable bytes written by flushes.",
      kCounter, s.flush_bytes);
  Add(out, "blockdb_engine_compactions_total", "Compactions run, trivial moves included.", kCounter,
      s.compactions);
  Add(out, "blockdb_engine_trivial_moves_total",
      "SSTables moved down a level without being rewritten.", kCounter, s.trivial_moves);
  Add(out, "blockdb_engine_compaction_read_bytes_total", "Bytes read by compactions.", kCounter,
      s.compaction_bytes_read);
  Add(out, "blockdb_engine_compaction_written_bytes_total", "Bytes written by compactions.",
      kCounter, s.compaction_bytes_written);
  Add(out, "blockdb_engine_block_cache_bytes", "Bytes held by the block cache.", kGauge,
      s.block_cache_usage);
  Add(out, "blockdb_engine_table_cache_bytes",
      "Bytes of open SSTables' index, filter and properties blocks.", kGauge, s.table_cache_usage);
  out->push_back(SingleValue("blockdb_engine_write_amplification",
                             "Bytes written to storage per byte of user data.", kGauge,
                             s.WriteAmplification()));
}

}  // namespace blockdb
