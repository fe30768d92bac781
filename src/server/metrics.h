// Metrics: counters, gauges and histograms with labels, rendered in the Prometheus text
// exposition format 0.0.4 for GET /metrics (docs/protocol/http.md lists BlockDB's metrics).
//
// Hot path: Counter::Increment, Gauge::Set/Add and Histogram::Observe are lock-free (relaxed
// atomics). Looking up a labelled child (Family::WithLabels) takes the family's mutex, so code on
// a hot path looks a child up once and keeps the reference: children live as long as the
// registry and never move.
//
// Values that already exist elsewhere (the storage engine's statistics) are not copied into
// metrics on every change: a Collector reads them once per scrape and returns ready-made samples.
//
// Written by hand rather than with prometheus-cpp: that library is not packaged for Debian 12,
// and the exposition format needs only the few hundred lines here.
//
// Thread safety: every method of every class here may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/check.h"

namespace blockdb {

enum class MetricType { kCounter, kGauge, kHistogram };

// "counter", "gauge", "histogram": the word on a # TYPE line.
std::string_view MetricTypeName(MetricType type);

// Upper bounds in seconds for request and statement latencies: 100 us to 10 s.
const std::vector<double>& LatencyBuckets();

// A value that only goes up (it restarts from 0 with the process).
class Counter {
 public:
  void Increment(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Counts observations into fixed buckets (upper bounds, inclusive) and sums them.
class Histogram {
 public:
  // REQUIRES: upper_bounds strictly increasing and finite; +Inf is implicit.
  explicit Histogram(std::vector<double> upper_bounds);

  void Observe(double value);

  const std::vector<double>& upper_bounds() const { return upper_bounds_; }
  // Cumulative counts, one per upper bound plus the last for +Inf (which is the total count).
  // Taken bucket by bucket without a lock: under concurrent Observe calls the sum may lag the
  // counts by the observations in flight, the counts themselves are always consistent.
  std::vector<uint64_t> CumulativeCounts() const;
  double Sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  const std::vector<double> upper_bounds_;
  // Per bucket (not cumulative), upper_bounds_.size() + 1 entries.
  const std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<double> sum_{0};
};

// One time series of a scrape.
struct MetricSample {
  std::vector<std::string> label_values;  // in the order of the family's label_names
  double value = 0;                       // counters and gauges
  // Histograms: cumulative counts per bucket_bounds entry, then +Inf; and the sum.
  std::vector<uint64_t> bucket_counts;
  double sum = 0;
};

// One metric name with its help text, type and samples, as rendered.
struct MetricFamilySnapshot {
  std::string name;
  std::string help;
  MetricType type = MetricType::kGauge;
  std::vector<std::string> label_names;
  std::vector<double> bucket_bounds;  // histograms only
  std::vector<MetricSample> samples;
};

// Convenience for collectors: a family with one unlabelled sample.
MetricFamilySnapshot SingleValue(std::string name, std::string help, MetricType type, double value);

// Renders families in the Prometheus text format 0.0.4: "# HELP" and "# TYPE" lines, then one line
// per sample (histograms: name_bucket{...,le="..."} per bound and +Inf, name_sum, name_count).
// Escapes label values (\\, \", \n) and help text (\\, \n). Pure: no registry involved.
// REQUIRES: valid metric and label names, label_values.size() == label_names.size(),
// bucket_counts.size() == bucket_bounds.size() + 1 for histograms.
std::string RenderPrometheusText(const std::vector<MetricFamilySnapshot>& families);

// Formats a sample value for the text format: the shortest decimal that round-trips, in fixed
// notation for 1e-4 <= |value| < 1e21 ("0.0005", "123456789"), else scientific ("1e-05",
// "1e+21"); "+Inf", "-Inf", "NaN".
std::string FormatMetricValue(double value);

// True for a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*) or label name ([a-zA-Z_][a-zA-Z0-9_]*,
// not starting with "__", which Prometheus reserves).
bool IsValidMetricName(std::string_view name);
bool IsValidLabelName(std::string_view name);

// The children of one metric name, one per combination of label values.
template <typename Metric>
class MetricFamily {
 public:
  using Factory = std::function<std::unique_ptr<Metric>()>;

  MetricFamily(std::vector<std::string> label_names, Factory factory)
      : label_names_(std::move(label_names)), factory_(std::move(factory)) {}

  // The child for these label values, created on first use. Takes a mutex: keep the reference.
  // REQUIRES: values.size() == label_names().size() (a wrong count is a bug, checked).
  Metric& WithLabels(const std::vector<std::string>& values);

  const std::vector<std::string>& label_names() const { return label_names_; }

  // Calls fn(label_values, metric) for every child, in label-value order.
  void ForEach(const std::function<void(const std::vector<std::string>&, const Metric&)>& fn) const;

 private:
  const std::vector<std::string> label_names_;
  const Factory factory_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> children_;  // guarded by mu_
};

using CounterFamily = MetricFamily<Counter>;
using GaugeFamily = MetricFamily<Gauge>;
using HistogramFamily = MetricFamily<Histogram>;

// Appends families read at scrape time (for example from DB::GetStats()).
using MetricCollector = std::function<void(std::vector<MetricFamilySnapshot>* out)>;

// Owns every metric of a process (or of a Node) and renders them.
//
// Registering a name that exists with the same type, labels and buckets returns the existing
// metric, so a component restarted in the same process keeps counting; any other reuse of a name
// is a bug and aborts. Metric and label names are checked the same way.
class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  Counter& AddCounter(std::string_view name, std::string_view help);
  CounterFamily& AddCounterFamily(std::string_view name, std::string_view help,
                                  std::vector<std::string> label_names);
  Gauge& AddGauge(std::string_view name, std::string_view help);
  GaugeFamily& AddGaugeFamily(std::string_view name, std::string_view help,
                              std::vector<std::string> label_names);
  Histogram& AddHistogram(std::string_view name, std::string_view help,
                          std::vector<double> upper_bounds);
  HistogramFamily& AddHistogramFamily(std::string_view name, std::string_view help,
                                      std::vector<std::string> label_names,
                                      std::vector<double> upper_bounds);

  // Adds a collector run on every scrape, after the registered metrics, in the order added.
  // Collectors run under the registry's lock: they must not call into the registry, and once
  // RemoveCollector returns the collector is not running and will not run again. Returns an id
  // for RemoveCollector.
  uint64_t AddCollector(MetricCollector collector);
  // No-op for an unknown id.
  void RemoveCollector(uint64_t id);

  // Every registered family (in registration order) followed by the collectors' families.
  // A collector that returns a name already used is a bug and aborts.
  std::vector<MetricFamilySnapshot> Collect() const;
  // RenderPrometheusText(Collect()).
  std::string RenderText() const;

 private:
  struct Entry;

  // The entry for name, created if absent; checks that an existing one matches.
  Entry& FindOrAdd(std::string_view name, std::string_view help, MetricType type,
                   std::vector<std::string> label_names, std::vector<double> bounds);

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Entry>> entries_;     // guarded by mu_
  std::map<uint64_t, MetricCollector> collectors_;  // guarded by mu_
  uint64_t next_collector_id_ = 1;                  // guarded by mu_
};

// --- Template definitions -----------------------------------------------------------------------

template <typename Metric>
Metric& MetricFamily<Metric>::WithLabels(const std::vector<std::string>& values) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = children_.find(values);
  if (it == children_.end()) {
    BLOCKDB_CHECK_MSG(values.size() == label_names_.size(), "wrong number of label values");
    it = children_.emplace(values, factory_()).first;
  }
  return *it->second;
}

template <typename Metric>
void MetricFamily<Metric>::ForEach(
    const std::function<void(const std::vector<std::string>&, const Metric&)>& fn) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [values, metric] : children_) {
    fn(values, *metric);
  }
}

}  // namespace blockdb
