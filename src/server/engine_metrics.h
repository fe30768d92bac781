// The storage engine's statistics (DB::GetStats) as metrics, read at scrape time.
//
// Names and meanings are listed in docs/protocol/http.md. Counters count since the engine was
// opened (a restart resets them, which Prometheus' rate() handles like any process restart).
#pragma once

#include <vector>

#include "engine/db.h"
#include "server/metrics.h"

namespace blockdb {

// Appends one family per statistic: blockdb_engine_* gauges and counters, the per-level ones
// labelled level="0".."N". Pure: the caller reads the stats (typically in a MetricCollector).
void AppendEngineMetrics(const EngineStats& stats, std::vector<MetricFamilySnapshot>* out);

}  // namespace blockdb
