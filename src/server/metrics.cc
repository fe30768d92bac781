#include "server/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

namespace blockdb {
namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Label values escape backslash, double quote and newline; help text only backslash and newline.
void AppendEscaped(std::string_view text, bool quote, std::string* out) {
  for (char c : text) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '\n') {
      out->append("\\n");
    } else if (c == '"' && quote) {
      out->append("\\\"");
    } else {
      out->push_back(c);
    }
  }
}

// `{a="x",b="y"}`, with le="..." last when `le` is given; nothing when there are no labels.
void AppendLabels(const std::vector<std::string>& names, const std::vector<std::string>& values,
                  const std::string* le, std::string* out) {
  BLOCKDB_CHECK_MSG(names.size() == values.size(), "wrong number of label values");
  if (names.empty() && le == nullptr) {
    return;
  }
  out->push_back('{');
  for (size_t i = 0; i < names.size(); ++i) {
    out->append(i == 0 ? "" : ",").append(names[i]).append("=\"");
    AppendEscaped(values[i], true, out);
    out->push_back('"');
  }
  if (le != nullptr) {
    out->append(names.empty() ? "" : ",").append("le=\"").append(*le).push_back('"');
  }
  out->push_back('}');
}

void AppendLine(std::string_view name, std::string_view suffix, const MetricFamilySnapshot& family,
                const MetricSample& sample, const std::string* le, std::string_view value,
                std::string* out) {
  out->append(name).append(suffix);
  AppendLabels(family.label_names, sample.label_values, le, out);
  out->append(" ").append(value).push_back('\n');
}

void AppendHistogram(const MetricFamilySnapshot& family, const MetricSample& sample,
                     std::string* out) {
  BLOCKDB_CHECK(sample.bucket_counts.size() == family.bucket_bounds.size() + 1);
  for (size_t i = 0; i < sample.bucket_counts.size(); ++i) {
    std::string le = i < family.bucket_bounds.size() ? FormatMetricValue(family.bucket_bounds[i])
                                                     : std::string("+Inf");
    AppendLine(family.name, "_bucket", family, sample, &le, std::to_string(sample.bucket_counts[i]),
               out);
  }
  AppendLine(family.name, "_sum", family, sample, nullptr, FormatMetricValue(sample.sum), out);
  AppendLine(family.name, "_count", family, sample, nullptr,
             std::to_string(sample.bucket_counts.back()), out);
}

void AppendFamily(const MetricFamilySnapshot& family, std::string* out) {
  BLOCKDB_CHECK_MSG(IsValidMetricName(family.name), "invalid metric name");
  for (const std::string& label : family.label_names) {
    BLOCKDB_CHECK_MSG(IsValidLabelName(label) && label != "le", "invalid label name");
  }
  out->append("# HELP ").append(family.name).push_back(' ');
  AppendEscaped(family.help, false, out);
  out->append("\n# TYPE ").append(family.name).push_back(' ');
  out->append(MetricTypeName(family.type)).push_back('\n');
  for (const MetricSample& sample : family.samples) {
    if (family.type == MetricType::kHistogram) {
      AppendHistogram(family, sample, out);
    } else {
      AppendLine(family.name, "", family, sample, nullptr, FormatMetricValue(sample.value), out);
    }
  }
}

MetricSample HistogramSample(const std::vector<std::string>& values, const Histogram& h) {
  MetricSample sample;
  sample.label_values = values;
  sample.bucket_counts = h.CumulativeCounts();
  sample.sum = h.Sum();
  return sample;
}

}  // namespace

std::string_view MetricTypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

const std::vector<double>& LatencyBuckets() {
  static const std::vector<double>* buckets =
      new std::vector<double>{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                              0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
  return *buckets;
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)),
      buckets_(new std::atomic<uint64_t>[upper_bounds_.size() + 1]) {
  for (size_t i = 0; i < upper_bounds_.size(); ++i) {
    BLOCKDB_CHECK_MSG(std::isfinite(upper_bounds_[i]), "histogram bound must be finite");
    BLOCKDB_CHECK_MSG(i == 0 || upper_bounds_[i - 1] < upper_bounds_[i],
                      "histogram bounds must increase");
  }
  for (size_t i = 0; i <= upper_bounds_.size(); ++i) {
    buckets_[i].store(0, std::memory_order_relaxed);
  }
}

void Histogram::Observe(double value) {
  // The first bound >= value (buckets are "less than or equal"); NaN lands in +Inf.
  size_t bucket = upper_bounds_.size();
  if (!std::isnan(value)) {
    bucket =
        static_cast<size_t>(std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value) -
                            upper_bounds_.begin());
  }
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::CumulativeCounts() const {
  std::vector<uint64_t> counts(upper_bounds_.size() + 1);
  uint64_t total = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    total += buckets_[i].load(std::memory_order_relaxed);
    counts[i] = total;
  }
  return counts;
}

MetricFamilySnapshot SingleValue(std::string name, std::string help, MetricType type,
                                 double value) {
  MetricFamilySnapshot family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  family.samples.push_back(MetricSample{{}, value, {}, 0});
  return family;
}

std::string RenderPrometheusText(const std::vector<MetricFamilySnapshot>& families) {
  std::string out;
  for (const MetricFamilySnapshot& family : families) {
    AppendFamily(family, &out);
  }
  return out;
}

std::string FormatMetricValue(double value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  // The shortest digits that round-trip, in fixed notation for 1e-4 <= |value| < 1e21 and in
  // scientific notation otherwise: bucket bounds read as the usual "0.0005" (Go's clients use the
  // same small-number rule), large byte counters print every digit.
  const double magnitude = std::fabs(value);
  const bool fixed = value == 0 || (magnitude >= 1e-4 && magnitude < 1e21);
  char buf[400];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value,
                                 fixed ? std::chars_format::fixed : std::chars_format::scientific);
  return std::string(buf, end);
}

bool IsValidMetricName(std::string_view name) {
  if (name.empty() || !(IsNameStart(name[0]) || name[0] == ':')) {
    return false;
  }
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return IsNameStart(c) || IsDigit(c) || c == ':'; });
}

bool IsValidLabelName(std::string_view name) {
  if (name.empty() || !IsNameStart(name[0]) || name.starts_with("__")) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) { return IsNameStart(c) || IsDigit(c); });
}

// --- MetricsRegistry ----------------------------------------------------------------------------

// One registered name. Exactly one of the families is set, per `type`; unlabelled metrics are the
// single child of a family without labels.
struct MetricsRegistry::Entry {
  std::string name;
  std::string help;
  MetricType type;
  std::vector<std::string> label_names;
  std::vector<double> bounds;
  std::unique_ptr<CounterFamily> counters;
  std::unique_ptr<GaugeFamily> gauges;
  std::unique_ptr<HistogramFamily> histograms;

  MetricFamilySnapshot Snapshot() const {
    MetricFamilySnapshot family{name, help, type, label_names, bounds, {}};
    auto add = [&](const std::vector<std::string>& values, double value) {
      family.samples.push_back(MetricSample{values, value, {}, 0});
    };
    if (counters != nullptr) {
      counters->ForEach([&](const auto& values, const Counter& c) {
        add(values, static_cast<double>(c.Value()));
      });
    } else if (gauges != nullptr) {
      gauges->ForEach([&](const auto& values, const Gauge& g) { add(values, g.Value()); });
    } else {
      histograms->ForEach([&](const auto& values, const Histogram& h) {
        family.samples.push_back(HistogramSample(values, h));
      });
    }
    return family;
  }
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Entry& MetricsRegistry::FindOrAdd(std::string_view name, std::string_view help,
                                                   MetricType type,
                                                   std::vector<std::string> label_names,
                                                   std::vector<double> bounds) {
  BLOCKDB_CHECK_MSG(IsValidMetricName(name), "invalid metric name");
  for (const std::string& label : label_names) {
    BLOCKDB_CHECK_MSG(IsValidLabelName(label) && label != "le", "invalid label name");
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::unique_ptr<Entry>& entry : entries_) {
    if (entry->name == name) {
      BLOCKDB_CHECK_MSG(
          entry->type == type && entry->label_names == label_names && entry->bounds == bounds,
          "metric registered twice with different definitions");
      return *entry;
    }
  }
  auto entry = std::make_unique<Entry>();
  entry->name = std::string(name);
  entry->help = std::string(help);
  entry->type = type;
  entry->label_names = label_names;
  entry->bounds = bounds;
  switch (type) {
    case MetricType::kCounter:
      entry->counters = std::make_unique<CounterFamily>(std::move(label_names),
                                                        [] { return std::make_unique<Counter>(); });
      break;
    case MetricType::kGauge:
      entry->gauges = std::make_unique<GaugeFamily>(std::move(label_names),
                                                    [] { return std::make_unique<Gauge>(); });
      break;
    case MetricType::kHistogram:
      entry->histograms = std::make_unique<HistogramFamily>(
          std::move(label_names), [bounds] { return std::make_unique<Histogram>(bounds); });
      break;
  }
  entries_.push_back(std::move(entry));
  return *entries_.back();
}

Counter& MetricsRegistry::AddCounter(std::string_view name, std::string_view help) {
  return AddCounterFamily(name, help, {}).WithLabels({});
}

CounterFamily& MetricsRegistry::AddCounterFamily(std::string_view name, std::string_view help,
                                                 std::vector<std::string> label_names) {
  return *FindOrAdd(name, help, MetricType::kCounter, std::move(label_names), {}).counters;
}

Gauge& MetricsRegistry::AddGauge(std::string_view name, std::string_view help) {
  return AddGaugeFamily(name, help, {}).WithLabels({});
}

GaugeFamily& MetricsRegistry::AddGaugeFamily(std::string_view name, std::string_view help,
                                             std::vector<std::string> label_names) {
  return *FindOrAdd(name, help, MetricType::kGauge, std::move(label_names), {}).gauges;
}

Histogram& MetricsRegistry::AddHistogram(std::string_view name, std::string_view help,
                                         std::vector<double> upper_bounds) {
  return AddHistogramFamily(name, help, {}, std::move(upper_bounds)).WithLabels({});
}

HistogramFamily& MetricsRegistry::AddHistogramFamily(std::string_view name, std::string_view help,
                                                     std::vector<std::string> label_names,
                                                     std::vector<double> upper_bounds) {
  // Validates the bounds now rather than at the first WithLabels.
  Histogram check(upper_bounds);
  return *FindOrAdd(name, help, MetricType::kHistogram, std::move(label_names),
                    std::move(upper_bounds))
              .histograms;
}

uint64_t MetricsRegistry::AddCollector(MetricCollector collector) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t id = next_collector_id_++;
  collectors_.emplace(id, std::move(collector));
  return id;
}

void MetricsRegistry::RemoveCollector(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  collectors_.erase(id);
}

std::vector<MetricFamilySnapshot> MetricsRegistry::Collect() const {
  std::vector<MetricFamilySnapshot> families;
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::unique_ptr<Entry>& entry : entries_) {
    families.push_back(entry->Snapshot());
  }
  for (const auto& [id, collector] : collectors_) {
    collector(&families);
  }
  // Two families of one name would render as one malformed family.
  std::set<std::string_view> names;
  for (const MetricFamilySnapshot& family : families) {
    BLOCKDB_CHECK_MSG(names.insert(family.name).second, "two metric families share a name");
  }
  return families;
}

std::string MetricsRegistry::RenderText() const { return RenderPrometheusText(Collect()); }

}  // namespace blockdb
